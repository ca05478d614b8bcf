/**
 * Which line the softphone has: Twilio in the browser when the organization
 * has a Twilio provider, else a desk phone (an extension on an Asterisk /
 * FreePBX provider), else the reason there is none.
 */
import { ApiError } from './api';
import { errorMessage } from './softphone-calls';
import { findPbxLine } from './telephony-line';
import { fetchTwilioToken, TwilioLine, type TwilioLineHandlers } from './telephony-twilio';

export type OpenedLine =
	| { mode: 'twilio'; line: TwilioLine }
	| { mode: 'pbx'; error?: string }
	| { mode: 'none'; reason: 'no_provider' | 'no_extension'; error?: string };

export async function openLine(userId: string, canManage: boolean, handlers: TwilioLineHandlers): Promise<OpenedLine> {
	let error: string | undefined;
	try {
		return { mode: 'twilio', line: new TwilioLine(await fetchTwilioToken(), handlers) };
	} catch (err) {
		// No Twilio provider is not an error: the member may have a desk phone.
		if (!(err instanceof ApiError) || (err.code !== 'not_configured' && err.status !== 404)) error = errorMessage(err, 'Could not reach the Twilio line.');
	}
	return { ...(await findPbxLine(userId, canManage)), error };
}
