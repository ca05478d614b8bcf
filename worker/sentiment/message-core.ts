/**
 * The part of a message that carries its tone. Mail opens with "Hello," and
 * closes with "Best regards," whatever it says in between, and a lexicon
 * model counts those words as warmth: "We are billed in USD but our contract
 * says EUR." read as positive until the courtesies were left out. Quoted
 * earlier mail is someone else's tone. When nothing is left (the message is
 * only courtesies), the whole text is judged.
 */
const GREETING = /^(hi|hello|hey|dear|greetings|good (morning|afternoon|evening))\b[^.!?]{0,40}[,.!:]?$/i;
const SIGN_OFF =
  /^((best|kind|warm|warmest|many|with)\s+)?(regards|wishes|thanks)[,.!]*$|^(best|cheers|thanks|thank you|sincerely|br|kr|yours( truly| sincerely)?|all the best|talk soon)[,.!]*$/i;
/** Sign-offs are looked for only this close to the end, so "Thanks" opening a reply is kept. */
const SIGN_OFF_WITHIN_LAST_LINES = 4;

export function messageCore(text: string): string {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith(">"));
  if (lines.length > 1 && GREETING.test(lines[0]!)) lines.shift();
  for (let i = Math.max(1, lines.length - SIGN_OFF_WITHIN_LAST_LINES); i < lines.length; i++) {
    if (SIGN_OFF.test(lines[i]!)) {
      lines.length = i;
      break;
    }
  }
  const core = lines.join("\n").trim();
  return core || text;
}
