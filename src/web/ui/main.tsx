// The web console's entry point: the model on the events WebSocket, and the page drawn from it.
import { render } from 'preact';
import '@xterm/xterm/css/xterm.css';
import './style.css';
import { App } from './app.js';
import { LiveModel } from './live.js';

const model = new LiveModel();
model.start();
render(<App model={model} />, document.getElementById('app')!);
