/**
 * Shows a native `popover="manual"` element beside its anchor button. The
 * reply box clips what overflows it, and a popover lives in the top layer, so
 * it shows whole. It sits above the anchor when there is room, else below,
 * and closes when the page scrolls rather than drift away from its button.
 * Escape and outside clicks are the component's to handle (`dismissable`),
 * so a click on the anchor itself can close what it opened.
 */
const GAP = 8;
const MARGIN = 8;

/** Opens the popover by its anchor, or closes it when it is open (a second click on the button). */
export function togglePopover(popover: HTMLElement, anchor: HTMLElement) {
	if (popover.matches(':popover-open')) return popover.hidePopover();
	popover.showPopover();
	const box = anchor.getBoundingClientRect();
	const { width, height } = popover.getBoundingClientRect();
	const above = box.top - GAP - height;
	const top = above >= MARGIN ? above : Math.min(box.bottom + GAP, window.innerHeight - height - MARGIN);
	const left = Math.max(MARGIN, Math.min(box.left, window.innerWidth - width - MARGIN));
	Object.assign(popover.style, { margin: '0', inset: 'auto', top: `${top}px`, left: `${left}px` });
	const close = (event: Event) => {
		if (event.target instanceof Node && popover.contains(event.target)) return;
		closePopover(popover);
	};
	const closed = (event: Event) => {
		if ((event as ToggleEvent).newState !== 'closed') return;
		window.removeEventListener('scroll', close, { capture: true });
		popover.removeEventListener('toggle', closed);
	};
	window.addEventListener('scroll', close, { capture: true, passive: true });
	popover.addEventListener('toggle', closed);
}

export function closePopover(popover: HTMLElement | undefined) {
	if (popover?.matches(':popover-open')) popover.hidePopover();
}
