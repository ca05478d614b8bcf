/**
 * One shared ticking "now" for every SLA countdown on screen: a single
 * interval while at least one countdown is mounted, none otherwise.
 */
class SupportClock {
	now = $state(Date.now());
	#users = 0;
	#timer: ReturnType<typeof setInterval> | undefined;

	/** Start ticking for a component; returns the function that stops it. */
	use(): () => void {
		if (this.#users++ === 0) {
			this.now = Date.now();
			this.#timer = setInterval(() => (this.now = Date.now()), 1000);
		}
		return () => {
			if (--this.#users === 0) clearInterval(this.#timer);
		};
	}
}

export const supportClock = new SupportClock();
