import type { Action } from 'svelte/action';

/** Calls `handler` on a pointer-down outside the node or on Escape. */
export const dismissable: Action<HTMLElement, () => void> = (node, handler) => {
	let current = handler;
	function onPointer(event: PointerEvent) {
		if (event.target instanceof Node && !node.contains(event.target)) current();
	}
	function onKey(event: KeyboardEvent) {
		if (event.key === 'Escape') current();
	}
	document.addEventListener('pointerdown', onPointer, true);
	document.addEventListener('keydown', onKey);
	return {
		update(next) {
			current = next;
		},
		destroy() {
			document.removeEventListener('pointerdown', onPointer, true);
			document.removeEventListener('keydown', onKey);
		}
	};
};
