// Tandem web client entry point.
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./ui/App";
import { boot } from "./app/session";
import { live } from "./live/liveClient";
import { store } from "./store/store";

const container = document.getElementById("root");
if (container === null) throw new Error("Tandem: #root element missing from index.html");

// A handle for debugging in the console (and for the browser tests' protocol probes).
(window as unknown as { tandem: object }).tandem = { store, live };

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
void boot();
