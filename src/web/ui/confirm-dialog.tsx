// A modal confirmation (the native <dialog>: focus moves into it, Escape cancels) for actions that lose work, or that
// need one value first (a clone's name).
import { useEffect, useRef, useState } from 'preact/hooks';

export interface ConfirmRequest {
  title: string;
  body: string;
  confirm: string;
  /** The confirm button is red unless this is false (the action loses nothing). */
  danger?: boolean;
  /** One text field the action needs; its value goes to onConfirm. */
  field?: { label: string; initial: string; pattern?: string };
  onConfirm: (value: string) => void;
}

export function ConfirmDialog({ request, onClose }: { request: ConfirmRequest | null; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [value, setValue] = useState('');
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    setValue(request?.field?.initial ?? '');
    if (request && !d.open) d.showModal();
    if (!request && d.open) d.close();
  }, [request]);
  const valid = !request?.field || (value !== '' && new RegExp(`^(?:${request.field.pattern ?? '.*'})$`).test(value));
  const confirm = () => {
    if (!request || !valid) return;
    request.onConfirm(value);
    onClose();
  };
  return (
    <dialog ref={ref} class="confirm" aria-labelledby="confirm-title" onClose={onClose}>
      {request && (
        <form method="dialog">
          <h2 id="confirm-title">{request.title}</h2>
          <p>{request.body}</p>
          {request.field && (
            <div class="field">
              <label for="confirm-field">{request.field.label}</label>
              <input
                id="confirm-field"
                value={value}
                autofocus
                aria-invalid={!valid}
                pattern={request.field.pattern}
                onInput={(e) => setValue(e.currentTarget.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    e.preventDefault();
                    confirm();
                  }
                }}
              />
            </div>
          )}
          <div class="buttons">
            <button type="submit" value="cancel" autofocus={!request.field}>
              Cancel
            </button>
            <button
              type="button"
              class={request.danger === false ? 'primary' : 'danger'}
              disabled={!valid}
              onClick={confirm}
            >
              {request.confirm}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
