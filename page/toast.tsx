// #toast: what an action answered (an error's message, data-kind="error"), until clicked away or
// its time is up.
import { useEffect } from 'preact/hooks';

export interface ToastMessage {
  readonly kind: 'info' | 'error';
  readonly text: string;
}

const SHOWN_MS = { info: 4000, error: 15000 };

export function Toast({ message, onClose }: { readonly message: ToastMessage | null; readonly onClose: () => void }) {
  useEffect(() => {
    if (message === null) return;
    const t = window.setTimeout(onClose, SHOWN_MS[message.kind]);
    return () => window.clearTimeout(t);
  }, [message]);
  return (
    <div id="toast" role="status" aria-live="polite" data-kind={message?.kind ?? ''} hidden={message === null} onClick={onClose} title="click to dismiss">
      {message?.text ?? ''}
    </div>
  );
}
