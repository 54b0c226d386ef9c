import '@testing-library/jest-dom';

// jsdom lacks ResizeObserver; MUI X DataGrid needs it.
class ResizeObserverStub {
  observe() {}
  unobserve() {}
  disconnect() {}
}
const g = globalThis as { ResizeObserver?: unknown };
g.ResizeObserver = g.ResizeObserver ?? ResizeObserverStub;
