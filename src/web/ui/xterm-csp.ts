// xterm.js writes its per-terminal CSS into <style> elements, which the page's CSP (style-src 'self', no
// 'unsafe-inline') refuses, even empty ones. It gets an inert <template> in their place, and what it writes to the
// element's textContent goes into a constructed style sheet (CSSOM, which the CSP allows) instead.

function adopt(el: HTMLElement): void {
  const sheet = new CSSStyleSheet();
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  let text = '';
  Object.defineProperty(el, 'textContent', {
    configurable: true,
    get: () => text,
    set: (value: string | null) => {
      text = value ?? '';
      sheet.replaceSync(text);
    },
  });
  // The element leaves the page with its terminal: its rules go too.
  const remove = el.remove.bind(el);
  el.remove = () => {
    document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== sheet);
    remove();
  };
}

let installed = false;

/** Makes `document.createElement('style')` return such elements (once, before the first terminal). */
export function routeGeneratedStyles(): void {
  if (installed) return;
  installed = true;
  const create = document.createElement.bind(document) as (
    tag: string,
    options?: ElementCreationOptions,
  ) => HTMLElement;
  document.createElement = ((tag: string, options?: ElementCreationOptions) => {
    if (tag.toLowerCase() !== 'style') return create(tag, options);
    const el = create('template');
    adopt(el);
    return el;
  }) as typeof document.createElement;
}
