// The upload queue: files wait, go up a few at a time, report progress and
// can be cancelled one by one. Kept outside React (a small store read with
// useSyncExternalStore) so its rules are tested without a browser; the
// transport (XMLHttpRequest, which alone reports upload progress) is
// injected.

export type UploadStatus = "queued" | "uploading" | "done" | "failed" | "canceled";

export type UploadItem = {
  id: number;
  name: string;
  /** The folder it goes to ("" for the root). */
  folder: string;
  size: number;
  /** Bytes sent so far (never above size). */
  loaded: number;
  status: UploadStatus;
  /** Replace a file of the same name (confirmed by the user); else the server refuses with 409. */
  overwrite: boolean;
  error?: string;
};

/** One file on its way: the promise settles when the server answered; abort stops it. */
export type Transfer = { promise: Promise<void>; abort: () => void };
export type Sender = (item: UploadItem, file: File, onProgress: (loaded: number) => void) => Transfer;

export type Progress = { loaded: number; total: number; percent: number; active: number };

/**
 * The batch's progress over the files still meant to arrive (cancelled and
 * failed ones leave the sum). A file that is done counts whole, so empty
 * files reach 100 % too.
 */
export function overallProgress(items: readonly UploadItem[]): Progress {
  let loaded = 0;
  let total = 0;
  let active = 0;
  let counted = 0;
  for (const i of items) {
    if (i.status === "canceled" || i.status === "failed") continue;
    counted++;
    if (i.status === "queued" || i.status === "uploading") active++;
    total += i.size;
    loaded += i.status === "done" ? i.size : Math.min(i.loaded, i.size);
  }
  const percent = counted === 0 ? 0 : total === 0 ? (active ? 0 : 100) : Math.floor((loaded / total) * 100);
  return { loaded, total, percent: active && percent === 100 ? 99 : percent, active };
}

/** One file's percentage (100 once the server confirmed it). */
export function itemPercent(i: UploadItem): number {
  if (i.status === "done") return 100;
  if (i.size === 0) return 0;
  const p = Math.floor((Math.min(i.loaded, i.size) / i.size) * 100);
  // The bytes may all be sent before the server has stored them.
  return p === 100 ? 99 : p;
}

/** The names among files that already exist in the folder (given its known names). */
export function findConflicts(files: readonly { name: string }[], existing: Iterable<string>): string[] {
  const taken = new Set(existing);
  return [...new Set(files.map((f) => f.name).filter((n) => taken.has(n)))];
}

/** The message of a failed transfer: the problem's detail when the server sent one. */
export function errorMessage(e: unknown): string {
  if (e && typeof e === "object") {
    const p = e as { detail?: unknown; title?: unknown; message?: unknown };
    for (const v of [p.detail, p.title, p.message]) if (typeof v === "string" && v) return v;
  }
  return typeof e === "string" && e ? e : "Upload failed";
}

export class UploadQueue {
  private items: UploadItem[] = [];
  private files = new Map<number, File>();
  private transfers = new Map<number, Transfer>();
  private listeners = new Set<() => void>();
  private seq = 0;
  /** Items settled since the queue was last idle, reported once to onIdle. */
  private batch: UploadItem[] = [];

  constructor(
    private readonly send: Sender,
    private readonly hooks: { onSettled?: (item: UploadItem) => void; onIdle?: (batch: UploadItem[]) => void } = {},
    private readonly concurrency = 2,
  ) {}

  subscribe = (l: () => void) => {
    this.listeners.add(l);
    return () => void this.listeners.delete(l);
  };
  getSnapshot = () => this.items;

  /** Queues files for folder; names in overwrite may replace existing files. */
  add(files: readonly File[], folder: string, overwrite: ReadonlySet<string> = new Set()): UploadItem[] {
    const added = files.map<UploadItem>((f) => ({
      id: ++this.seq,
      name: f.name,
      folder,
      size: f.size,
      loaded: 0,
      status: "queued",
      overwrite: overwrite.has(f.name),
    }));
    added.forEach((it, i) => this.files.set(it.id, files[i]));
    this.set([...this.items, ...added]);
    this.pump();
    return added;
  }

  cancel(id: number) {
    const it = this.items.find((i) => i.id === id);
    if (!it || (it.status !== "queued" && it.status !== "uploading")) return;
    this.transfers.get(id)?.abort();
    this.settle(id, { status: "canceled" });
  }

  /** Drops the finished rows (done, failed, cancelled) from the list. */
  clearFinished() {
    this.set(this.items.filter((i) => i.status === "queued" || i.status === "uploading"));
  }

  private set(items: UploadItem[]) {
    this.items = items;
    this.listeners.forEach((l) => l());
  }

  private update(id: number, patch: Partial<UploadItem>) {
    this.set(this.items.map((i) => (i.id === id ? { ...i, ...patch } : i)));
  }

  private settle(id: number, patch: Partial<UploadItem>) {
    const it = this.items.find((i) => i.id === id);
    // A late answer for a cancelled file changes nothing.
    if (!it || it.status === "canceled" || it.status === "done" || it.status === "failed") return;
    this.transfers.delete(id);
    this.files.delete(id);
    this.update(id, patch);
    const done = this.items.find((i) => i.id === id)!;
    this.batch.push(done);
    this.hooks.onSettled?.(done);
    this.pump();
    if (!this.items.some((i) => i.status === "queued" || i.status === "uploading")) {
      const batch = this.batch;
      this.batch = [];
      this.hooks.onIdle?.(batch);
    }
  }

  private pump() {
    let running = this.items.filter((i) => i.status === "uploading").length;
    for (const it of this.items) {
      if (running >= this.concurrency) break;
      if (it.status !== "queued") continue;
      const file = this.files.get(it.id);
      if (!file) continue;
      running++;
      this.update(it.id, { status: "uploading" });
      const t = this.send(it, file, (loaded) => {
        const cur = this.items.find((i) => i.id === it.id);
        if (cur?.status === "uploading") this.update(it.id, { loaded: Math.min(loaded, it.size) });
      });
      this.transfers.set(it.id, t);
      t.promise.then(
        () => this.settle(it.id, { status: "done", loaded: it.size }),
        (e) => this.settle(it.id, { status: "failed", error: errorMessage(e) }),
      );
    }
  }
}

/**
 * Sends one file as multipart/form-data to the raw protocol's folder URL with
 * XMLHttpRequest (fetch reports no upload progress). Without overwrite the
 * server is told not to replace an existing file (?override=false → 409).
 */
export function xhrSender(url: (item: UploadItem) => string, headers: () => Record<string, string>): Sender {
  return (item, file, onProgress) => {
    const xhr = new XMLHttpRequest();
    const promise = new Promise<void>((resolve, reject) => {
      xhr.open("POST", url(item) + (item.overwrite ? "" : "?override=false"));
      xhr.withCredentials = true;
      for (const [k, v] of Object.entries(headers())) xhr.setRequestHeader(k, v);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = (e) => onProgress(e.loaded * (file.size / Math.max(e.total, file.size, 1)));
      xhr.onload = () => {
        if (xhr.status >= 200 && xhr.status < 300) return resolve();
        let problem: unknown = `HTTP ${xhr.status}`;
        try {
          problem = JSON.parse(xhr.responseText);
        } catch {
          if (xhr.responseText && xhr.responseText.length < 200) problem = xhr.responseText.trim();
        }
        reject(problem);
      };
      xhr.onerror = () => reject(new Error("Network error: the upload did not reach the server"));
      xhr.onabort = () => reject(new Error("Cancelled"));
      const form = new FormData();
      form.append("file", file, file.name);
      xhr.send(form);
    });
    return { promise, abort: () => xhr.abort() };
  };
}
