/** Shapes of the import API (see worker/crm/imports), as the typed client answers them. */
import type { client, DataOf } from '$lib/api/typed-api';

/** `committed` is false for a dry run or a file with any bad row: then nothing was written. */
export type ImportReport = DataOf<ReturnType<typeof client.api.imports.$post>>;
