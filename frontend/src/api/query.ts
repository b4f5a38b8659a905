// TanStack Query over the generated client: `$api.useQuery("get", "/api/v1/...", {params})`
// gives typed data, caching, deduplication and invalidation. Errors thrown by
// $api are the problem JSON body (RFC 7807); ProblemMessage shows either form.
import { QueryClient } from "@tanstack/react-query";
import createQueryClient from "openapi-react-query";
import { api } from "./client";

/** Typed hooks over every path of the spec. */
export const $api = createQueryClient(api);

/** The HTTP status an error carries (ApiError or a problem body), if any. */
export function errorStatus(e: unknown): number | undefined {
  if (e && typeof e === "object" && "status" in e && typeof (e as { status: unknown }).status === "number") {
    return (e as { status: number }).status;
  }
  return undefined;
}

/**
 * Retries a failed query at most twice, and never a 4xx: asking again will
 * not change a refusal. Queries are GETs (idempotent); mutations never retry.
 */
export function shouldRetry(failures: number, error: unknown): boolean {
  const s = errorStatus(error);
  if (s !== undefined && s >= 400 && s < 500) return false;
  return failures < 2;
}

export function newQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 10_000, retry: shouldRetry, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
}

/** The one QueryClient of the app (the router's context holds it too). */
export const queryClient = newQueryClient();
