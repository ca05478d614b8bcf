/**
 * Which line the softphone has, as GET /api/telephony/line answers: Twilio in
 * the browser when the organization has a Twilio provider, else a desk phone
 * (an extension on an Asterisk / FreePBX provider), else the reason there is
 * none. A voice token is requested only for a Twilio line, so an organization
 * without Twilio sees no refused request on every page.
 */
import { api } from './api';
import { errorMessage } from './softphone-calls';
import { fetchTwilioToken, TwilioLine, type TwilioLineHandlers } from './telephony-twilio';

type Line = { mode: 'twilio' } | { mode: 'pbx' } | { mode: 'none'; reason: 'no_provider' | 'no_extension' };

export type OpenedLine =
	| { mode: 'twilio'; line: TwilioLine }
	| { mode: 'pbx'; error?: string }
	| { mode: 'none'; reason: 'no_provider' | 'no_extension'; error?: string };

export async function openLine(handlers: TwilioLineHandlers): Promise<OpenedLine> {
	let line: Line;
	try {
		line = await api<Line>('/api/telephony/line');
	} catch (err) {
		return { mode: 'none', reason: 'no_provider', error: errorMessage(err, 'Could not find your phone line.') };
	}
	if (line.mode !== 'twilio') return line;
	try {
		return { mode: 'twilio', line: new TwilioLine(await fetchTwilioToken(), handlers) };
	} catch (err) {
		return { mode: 'none', reason: 'no_provider', error: errorMessage(err, 'Could not reach the Twilio line.') };
	}
}
