import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SHEET_QUERY, useSheetEscape } from './useSheetEscape';

function phone(matches: boolean) {
  window.matchMedia = vi.fn((q: string) => ({ matches: matches && q === SHEET_QUERY }) as MediaQueryList);
}

function Probe({ open, close }: { open: boolean; close: () => void }) {
  useSheetEscape(open, close);
  return null;
}

function mount(open: boolean, close: () => void) {
  const host = document.createElement('div');
  document.body.append(host);
  const root = createRoot(host);
  act(() => root.render(<Probe open={open} close={close} />));
  return () => act(() => root.unmount());
}

const press = (key: string, prevented = false) => {
  const e = new KeyboardEvent('keydown', { key, cancelable: true });
  if (prevented) e.preventDefault();
  window.dispatchEvent(e);
};

afterEach(() => {
  document.body.innerHTML = '';
});

describe('useSheetEscape', () => {
  it('closes the open sheet on a phone', () => {
    phone(true);
    const close = vi.fn();
    const unmount = mount(true, close);
    press('Escape');
    press('Enter');
    expect(close).toHaveBeenCalledTimes(1);
    unmount();
    press('Escape');
    expect(close).toHaveBeenCalledTimes(1); // no listener left behind
  });

  it('leaves the side panels of a desktop, a closed sheet, a dialog and a consumed key alone', () => {
    const close = vi.fn();
    phone(false);
    let unmount = mount(true, close);
    press('Escape');
    unmount();

    phone(true);
    unmount = mount(false, close);
    press('Escape');
    unmount();

    unmount = mount(true, close);
    press('Escape', true);
    const dialog = document.createElement('div');
    dialog.setAttribute('role', 'dialog');
    document.body.append(dialog);
    press('Escape');
    unmount();
    expect(close).not.toHaveBeenCalled();
  });
});
