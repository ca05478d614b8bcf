/** Whether the assistant's panel is open: the launchers, the shortcut and the panel share it. */
class AssistantPanelState {
	open = $state(false);

	toggle() {
		this.open = !this.open;
	}
}

export const assistantPanel = new AssistantPanelState();

/** Ctrl+J, or Cmd+J on a Mac; Ctrl/Cmd+K stays the command palette's. */
export const ASSISTANT_SHORTCUT = { key: 'j', label: (mac: boolean) => (mac ? '⌘ J' : 'Ctrl J'), aria: (mac: boolean) => (mac ? 'Meta+J' : 'Control+J') };

export const isMacPlatform = () => typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
