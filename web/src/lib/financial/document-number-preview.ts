/**
 * The number a document would get, as the settings page previews it while
 * the format is typed: the server's rules (worker/financial/invoices/
 * invoice-numbering.ts), `{prefix}`, `{YYYY}`, `{seq}` or `{seq:N}`.
 */
export function previewNumber(format: string, prefix: string, year: number, sequence: number): string {
	return format.replace(/\{(prefix|YYYY|seq(?::(\d{1,2}))?)\}/g, (_, token: string, width?: string) => {
		if (token === 'prefix') return prefix;
		if (token === 'YYYY') return String(year);
		return String(sequence).padStart(Math.min(Number(width ?? 1), 12), '0');
	});
}

export const hasSequence = (format: string) => /\{seq(?::\d{1,2})?\}/.test(format);
