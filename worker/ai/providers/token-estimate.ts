/**
 * A token count for servers that report none: about four characters per
 * token for English text, the rule of thumb OpenAI documents. Only budgets
 * read it, and rounding up keeps them on the safe side.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
