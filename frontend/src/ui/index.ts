// The shared kit. Features import from "../../ui" (this file) only.
export { Button, type ButtonProps } from "./button";
export { Dialog, ConfirmDialog, type DialogProps, type ConfirmDialogProps } from "./dialog";
export { Tabs, type TabItem } from "./tabs";
export { ToastProvider, useToast } from "./toast";
export { DataTable, useTableSearch, pageToRange, sortToState, stateToSort, DEFAULT_PAGE_SIZE, type DataTableProps, type ColumnDef } from "./data-table";
export { Pagination, pageCount } from "./pagination";
export { CopyButton, copyText } from "./copy-button";
export { ProblemMessage, problemText } from "./problem";
export { runBulk, type BulkResult, type BulkFailure } from "./bulk";
export { Field, useZodForm } from "./form";
export { formatBytes, formatDate, formatDay, formatRelative, naturalCompare, naturalSort, parseTime } from "./format";
export { typeLabel, repoTypes } from "./repo-types";
