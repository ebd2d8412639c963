/**
 * An image list given as a CSV of `file,label` rows (Node), as Keras's `flow_from_dataframe`
 * and many Kaggle sets give images: each row names an image (relative to the CSV's folder, or
 * absolute) and its class; the sorted labels are the class names. An optional first row
 * naming the columns (`file,label`, `filename,class`, `path,label`, ...) is a header. Read by
 * csv-parse (quotes, commas in names, a BOM, CRLF). Each problem is one DataError naming the
 * CSV and the line: a row of other than two fields, an empty name or label, a file that is
 * not there, fewer than two classes.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { DataError } from '../core/errors.js';
import { list, shuffled, type Listing } from './image-folder-list.js';

const HEADER_FILE = ['file', 'filename', 'file_name', 'path', 'image', 'img', 'name'];
const HEADER_LABEL = ['label', 'class', 'class_name', 'category', 'target', 'y'];
const isHeader = (row: readonly string[]): boolean => HEADER_FILE.includes((row[0] ?? '').toLowerCase()) && HEADER_LABEL.includes((row[1] ?? '').toLowerCase());

function asRecord(r: unknown): { record: string[]; info: { lines: number } } {
  if (typeof r === 'object' && r !== null && 'record' in r && 'info' in r && Array.isArray(r.record) && typeof r.info === 'object' && r.info !== null && 'lines' in r.info && typeof r.info.lines === 'number') {
    return { record: r.record.map(String), info: { lines: r.info.lines } };
  }
  throw new Error('csv-parse gave a record without its line');
}

/** One CSV's rows as read: the image paths (resolved), their labels as written, and each row's line. */
interface Rows {
  csv: string;
  files: string[];
  names: string[];
}

function readRows(csv: string): Rows {
  let text: string;
  try {
    text = readFileSync(csv, 'utf8');
  } catch (e) {
    throw new DataError(csv, undefined, `cannot read the image list (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // With `info`, csv-parse gives each record with its line (its types say string[][]).
    const raw: unknown[] = parse(text, { info: true, skip_empty_lines: true, trim: true, relax_column_count: true, bom: true });
    records = raw.map(asRecord);
  } catch (e) {
    throw new DataError(csv, undefined, `not a CSV of file,label rows (${((e as Error).message.split('\n')[0] ?? '').replace(/^Invalid /, 'invalid ')})`);
  }
  const first = records[0];
  const rows = first !== undefined && isHeader(first.record) ? records.slice(1) : records;
  if (rows.length === 0) throw new DataError(csv, undefined, 'no rows: expected one row of file,label per image');
  const base = dirname(csv);
  const files: string[] = [];
  const names: string[] = [];
  for (const { record, info } of rows) {
    const line = `line ${info.lines}`;
    const [file = '', label = ''] = record;
    if (record.length !== 2) throw new DataError(csv, line, `expected 2 fields, file,label, got ${record.length} (${record.slice(0, 4).join(',')})`);
    if (file === '' || label === '') throw new DataError(csv, line, `expected a file name and a label, got "${record.join(',')}"`);
    const path = isAbsolute(file) ? file : resolve(base, file);
    const st = statSync(path, { throwIfNoEntry: false });
    if (st === undefined) throw new DataError(csv, line, `names ${file}, which does not exist (looked for ${path})`);
    if (!st.isFile()) throw new DataError(csv, line, `names ${file}, which is not a file (${path})`);
    files.push(path);
    names.push(label);
  }
  return { csv, files, names };
}

/**
 * The listings of one CSV, or of a training CSV and a test CSV (whose labels must be among the
 * training ones); classes are the training labels sorted.
 * @example listCsv('photos/labels.csv').train.classes // ['cat', 'dog']
 */
export function listCsv(trainCsv: string, testCsv?: string): { train: Listing; test?: Listing } {
  const train = readRows(resolve(trainCsv));
  const classes = [...new Set(train.names)].sort();
  if (classes.length < 2) throw new DataError(train.csv, undefined, `one class (${classes[0]}): a classifier needs at least two labels`);
  const toListing = (r: Rows): Listing => {
    const labels = r.names.map((n) => classes.indexOf(n));
    const unknown = r.names.find((n) => !classes.includes(n));
    if (unknown !== undefined) throw new DataError(r.csv, undefined, `label ${unknown} is not one of the training labels (${list(classes)} in ${train.csv})`);
    return { dir: r.csv, classes, ...shuffled(r.files, labels), passed: { notImages: 0, badLinks: 0, folderLinks: 0, examples: [] } };
  };
  const test = testCsv !== undefined ? toListing(readRows(resolve(testCsv))) : undefined;
  return { train: toListing(train), ...(test !== undefined ? { test } : {}) };
}

/** Whether `path` is a CSV image list (by name). @example isImageCsv('labels.csv') // true when it is a file */
export function isImageCsv(path: string): boolean {
  return /\.csv$/i.test(path) && statSync(path, { throwIfNoEntry: false })?.isFile() === true;
}
