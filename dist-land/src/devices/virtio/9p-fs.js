// What the 9P server needs from a shared directory: path-based operations, each resolved inside the share by the backend.
export {};
//# sourceMappingURL=9p-fs.js.map