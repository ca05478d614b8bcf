/** Transient messages in the corner of the screen (announced to screen readers). */

export type ToastTone = 'info' | 'success' | 'error';

export interface Toast {
	id: number;
	title: string;
	description?: string;
	tone: ToastTone;
}

const DISMISS_AFTER_MS = 6_000;

class Toasts {
	items = $state<Toast[]>([]);
	#nextId = 1;

	show(toast: Omit<Toast, 'id' | 'tone'> & { tone?: ToastTone }) {
		const id = this.#nextId++;
		this.items = [...this.items.slice(-4), { tone: 'info', ...toast, id }];
		setTimeout(() => this.dismiss(id), DISMISS_AFTER_MS);
		return id;
	}

	dismiss(id: number) {
		this.items = this.items.filter((t) => t.id !== id);
	}
}

export const toasts = new Toasts();
