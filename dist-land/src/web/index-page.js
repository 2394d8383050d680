// The page at /: the shell of the web console (src/web/ui/), which loads the bundle from /ui/; or a note that it was not built.
/** The page when dist/ui holds the bundle: no inline script or style, so the CSP needs no 'unsafe-inline'. */
export const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>typevisor</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/ui/app.css">
<script type="module" src="/ui/app.js"></script>
</head>
<body>
<div id="app"><noscript>The typevisor console needs JavaScript. The API is documented at /api/openapi.json.</noscript></div>
</body>
</html>
`;
/** The page when the bundle is missing (the sources were compiled with tsc alone). */
export const NO_BUNDLE_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>typevisor</title></head>
<body>
<h1>typevisor</h1>
<p>The web console was not built: run <code>npm run build</code> and start <code>typevisor serve</code> again.
The API works without it: <a href="/api/openapi.json">/api/openapi.json</a>.</p>
</body>
</html>
`;
//# sourceMappingURL=index-page.js.map