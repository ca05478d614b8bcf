import * as Y from "yjs";
import { api, registerAccount } from "../../helpers";
import { defaultPipeline } from "../../pipeline-fixture";

/** A new organization with one deal, whose notes room the deal-room tests open. */
export async function orgWithDeal(label: string, title = "Shared notes") {
  const owner = await registerAccount(label);
  await defaultPipeline(owner.orgId);
  const deal = (await api("/api/deals", { token: owner.token, body: { title } })).body.data;
  return { owner, deal };
}

export const notesText = (doc: Y.Doc) => doc.getXmlFragment("notes").toString();

/** Appends a paragraph to the notes, as the Tiptap editor would. */
export function write(doc: Y.Doc, text: string) {
  const fragment = doc.getXmlFragment("notes");
  const paragraph = new Y.XmlElement("paragraph");
  paragraph.insert(0, [new Y.XmlText(text)]);
  fragment.insert(fragment.length, [paragraph]);
}
