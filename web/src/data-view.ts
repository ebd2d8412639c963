/**
 * The Data section: the course's two files in one click (served from a checkout), or any
 * two HDF5 files of the notes' layout chosen or dropped (told apart by "train" and "test" in
 * their names, else by order). The worker reads them (src/data/hdf5-browser.ts).
 */
import { DataError } from '../../src/core/errors.js';
import { checkHdf5Head } from '../../src/data/hdf5-reader.js';
import type { NamedBytes } from './protocol.js';

/** What the picker takes, said when it gets something else. */
const EXPECTED = 'expected an HDF5 file (.h5) of the course\'s layout, such as train_catvnoncat.h5 or test_catvnoncat.h5';

/**
 * Null when `file` starts as an HDF5 file does (the signature at byte 0, 512, 1024, ...: the
 * CLI's own check), else the one line that says so: a README.md picked by mistake is refused
 * at once instead of waiting as "the training file".
 * @example await notHdf5(readme) // 'README.md: not an HDF5 file; expected an HDF5 file (.h5) ...'
 */
export async function notHdf5(file: File): Promise<string | null> {
  try {
    await checkHdf5Head(file.name, file.size, async (pos, n) => new Uint8Array(await file.slice(pos, pos + n).arrayBuffer()));
    return null;
  } catch (e) {
    // A truncated HDF5 file keeps the CLI's words; anything else is named with what was expected.
    if (e instanceof DataError && !e.message.includes('not an HDF5 file')) return e.message;
    return `${file.name}: not an HDF5 file; ${EXPECTED}.`;
  }
}

/** The section's controls. */
export interface DataControls {
  loadDefault: HTMLButtonElement;
  drop: HTMLElement;
  files: HTMLInputElement;
  status: HTMLElement;
}

/**
 * Files dropped on `zone` go to `take`; the zone is highlighted while something is dragged over it.
 * @example dropZone(photoDrop, (files) => void takePhoto(files));
 */
export function dropZone(zone: HTMLElement, take: (files: File[]) => void): void {
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    take([...(e.dataTransfer?.files ?? [])]);
  });
}

/**
 * Wires the section: `load` gets the training and the test file once both are there.
 * @example wireData(controls, (train, test) => worker.postMessage({ type: 'load', train, test }, [train.bytes, test.bytes]));
 */
export function wireData(ui: DataControls, load: (train: NamedBytes, test: NamedBytes) => void): void {
  const pending = new Map<'train' | 'test', NamedBytes>();

  ui.loadDefault.addEventListener('click', () => {
    ui.status.textContent = 'Downloading the course data…';
    const get = async (name: string): Promise<NamedBytes> => {
      const res = await fetch(`./datasets/${name}`);
      if (!res.ok) throw new Error(`${name}: ${res.status} ${res.statusText}`);
      return { name, bytes: await res.arrayBuffer() };
    };
    Promise.all([get('train_catvnoncat.h5'), get('test_catvnoncat.h5')]).then(
      ([train, test]) => load(train, test),
      (e: unknown) => {
        ui.status.textContent = `The course data is not served here (${e instanceof Error ? e.message : String(e)}). Start the page with "npm run web" from a checkout, or choose the two .h5 files.`;
      },
    );
  });

  const take = async (files: readonly File[]): Promise<void> => {
    for (const f of files) {
      const refused = await notHdf5(f);
      if (refused !== null) {
        // Nothing half-taken: the other file of the pair is asked for again too.
        pending.clear();
        ui.status.textContent = refused;
        return;
      }
    }
    for (const f of files) {
      const role = /test/i.test(f.name) ? 'test' : /train/i.test(f.name) ? 'train' : pending.has('train') ? 'test' : 'train';
      pending.set(role, { name: f.name, bytes: await f.arrayBuffer() });
    }
    const train = pending.get('train');
    const test = pending.get('test');
    if (train !== undefined && test !== undefined) {
      pending.clear();
      load(train, test);
    } else {
      ui.status.textContent = `Got ${(train ?? test)?.name ?? 'a file'}; now the ${train === undefined ? 'training' : 'test'} file.`;
    }
  };

  ui.files.addEventListener('change', () => {
    void take([...(ui.files.files ?? [])]);
    ui.files.value = '';
  });
  dropZone(ui.drop, (files) => void take(files));
}
