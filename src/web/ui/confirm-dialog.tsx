// A modal confirmation (the native <dialog>: focus moves into it, Escape cancels) for actions that lose work.
import { useEffect, useRef } from 'preact/hooks';

export interface ConfirmRequest {
  title: string;
  body: string;
  confirm: string;
  onConfirm: () => void;
}

export function ConfirmDialog({ request, onClose }: { request: ConfirmRequest | null; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (request && !d.open) d.showModal();
    if (!request && d.open) d.close();
  }, [request]);
  return (
    <dialog ref={ref} class="confirm" aria-labelledby="confirm-title" onClose={onClose}>
      {request && (
        <form method="dialog">
          <h2 id="confirm-title">{request.title}</h2>
          <p>{request.body}</p>
          <div class="buttons">
            <button type="submit" value="cancel" autofocus>
              Cancel
            </button>
            <button
              type="button"
              class="danger"
              onClick={() => {
                request.onConfirm();
                onClose();
              }}
            >
              {request.confirm}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
