/**
 * The deal notes' Tiptap editor and what the notes panel shows about it. Tiptap
 * core needs no framework, so the editor is made on a plain element.
 */
import { Editor } from '@tiptap/core';
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import { TaskItem, TaskList } from '@tiptap/extension-list';
import { Placeholder } from '@tiptap/extensions';
import StarterKit from '@tiptap/starter-kit';
import type { DealNotes, NotesCursorUser } from '$lib/board/deal-notes.svelte';
import { colorFor } from '$lib/ui/format';

const NO_COLOR = '#64748b';

/** The room vouches for a cursor's user id and name only, so its colour comes from the id. */
function cursorColor(cursorUser: Record<string, unknown>): string {
	return typeof cursorUser.id === 'string' ? colorFor(cursorUser.id).hex : NO_COLOR;
}

/** The label over a remote cursor; colours go through CSSOM, which the CSP allows. */
function renderCaret(cursorUser: Record<string, unknown>): HTMLElement {
	const color = cursorColor(cursorUser);
	const caret = document.createElement('span');
	caret.className = 'collaboration-carets__caret';
	caret.style.borderColor = color;
	const label = document.createElement('span');
	label.className = 'collaboration-carets__label';
	label.style.backgroundColor = color;
	label.textContent = typeof cursorUser.name === 'string' ? cursorUser.name : 'Someone';
	caret.append(label);
	return caret;
}

export function createNotesEditor(
	element: HTMLElement,
	session: DealNotes,
	{ editable, onTransaction }: { editable: boolean; onTransaction: () => void }
): Editor {
	return new Editor({
		element,
		injectCSS: false,
		editable,
		extensions: [
			// The collaboration extension brings its own (per-user) undo history.
			StarterKit.configure({ undoRedo: false, heading: { levels: [2, 3] } }),
			TaskList,
			TaskItem.configure({ nested: true }),
			Placeholder.configure({ placeholder: 'Write notes for this deal: context, next steps, who decides…' }),
			Collaboration.configure({ fragment: session.fragment }),
			CollaborationCaret.configure({
				provider: { awareness: session.awareness },
				user: session.user,
				render: renderCaret,
				selectionRender: (u: Record<string, unknown>) => ({
					nodeName: 'span',
					class: 'collaboration-carets__selection',
					style: `background-color: ${cursorColor(u)}33`
				})
			})
		],
		editorProps: {
			attributes: {
				class: 'deal-notes-content',
				'aria-label': 'Deal notes',
				'data-testid': 'notes-editor'
			}
		},
		onTransaction
	});
}

/** Others with these notes open, one entry per person (a person may have several tabs). */
export function notesPeople(session: DealNotes, userId: string): NotesCursorUser[] {
	const byUser = new Map<string, NotesCursorUser>();
	for (const [clientId, state] of session.awareness.getStates()) {
		if (clientId === session.doc.clientID) continue;
		const u = (state as { user?: Partial<NotesCursorUser> }).user;
		if (typeof u?.id !== 'string' || u.id === userId || typeof u.name !== 'string') continue;
		byUser.set(u.id, { id: u.id, name: u.name, color: colorFor(u.id).hex });
	}
	return [...byUser.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export type NotesTone = 'ok' | 'warn' | 'muted' | 'error';

/** The one-line save and connection state beside the notes heading. */
export function notesStatus(notes: DealNotes | null, canWrite: boolean): { tone: NotesTone; text: string } {
	if (!notes) return { tone: 'muted', text: 'Opening…' };
	if (notes.connection === 'missing') return { tone: 'error', text: 'Unavailable' };
	switch (notes.saveState) {
		case 'loading':
			return { tone: 'muted', text: 'Connecting…' };
		case 'saving':
			return { tone: 'muted', text: 'Saving…' };
		case 'saved':
			return { tone: 'ok', text: canWrite ? 'Saved' : 'Up to date' };
		case 'local':
			return notes.connection === 'offline'
				? { tone: 'warn', text: notes.pending ? 'Offline · saved on this device' : 'Offline' }
				: { tone: 'muted', text: notes.connection === 'connecting' ? 'Connecting…' : 'Reconnecting…' };
	}
}
