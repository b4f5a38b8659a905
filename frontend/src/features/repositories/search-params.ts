// The repositories list's URL values, narrowed to what the API accepts (the
// route schema lets any sort key through; an unknown one would be a 400).
export const LIST_SORTS = ["name", "-name", "updated", "-updated"] as const;
export type ListSort = (typeof LIST_SORTS)[number];

export function listSort(sort: string | undefined): ListSort | undefined {
  return (LIST_SORTS as readonly string[]).includes(sort ?? "") ? (sort as ListSort) : undefined;
}
