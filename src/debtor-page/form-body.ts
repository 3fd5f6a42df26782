/**
 * Reading the page's form posts: application/x-www-form-urlencoded for buttons, multipart/form-data
 * for the statement upload. Both go through the WHATWG FormData parser built into Node (undici), so no
 * hand-written multipart code sits on the path of an uploaded file.
 */
export interface FormFile {
  name: string;
  bytes: Buffer;
}

export interface ParsedForm {
  fields: Record<string, string>;
  file: FormFile | null;
}

export class FormBodyError extends Error {}

/** Parses the body; a field sent twice keeps its first value; only one file (the first) is kept. */
export async function parseFormBody(body: Buffer, contentType: string): Promise<ParsedForm> {
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw new FormBodyError('the form could not be read');
  }
  const fields: Record<string, string> = {};
  let file: FormFile | null = null;
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') {
      if (!(name in fields)) fields[name] = value;
    } else if (file === null && value.size > 0) {
      file = { name: value.name.slice(0, 200), bytes: Buffer.from(await value.arrayBuffer()) };
    }
  }
  return { fields, file };
}
