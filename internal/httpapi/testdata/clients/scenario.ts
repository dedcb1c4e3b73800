// Compiled by TestGeneratedClients with tsc --strict against the types openapi-typescript
// writes from openapi.yaml: the required members are plain types, the rest optional.
import type { components, paths } from "./usecat";

type UseCase = components["schemas"]["catalog.UseCase"];
type Draft = components["schemas"]["catalog.Draft"];
type Patch = components["schemas"]["httpapi.UseCasePatch"];
type Problem = components["schemas"]["httpapi.Problem"];

const draft: Draft = {
  title: "Udkast til svar på borgerhenvendelser",
  summary: "En sprogmodel skriver et udkast til svar, og en medarbejder godkender det.",
  category: "citizen_service",
  maturity: "pilot",
};

const removeDescription: Patch = { description: null };

export function headline(uc: UseCase): string {
  const title: string = uc.title;
  const version: number = uc.version;
  const tags: string[] = uc.tags;
  return `${title} (v${version}, ${tags.join(", ")}, ${uc.contact_email ?? "no mailbox"})`;
}

export function explain(p: Problem): string[] {
  return (p.errors ?? []).map((e) => `${e.field}: ${e.message}`);
}

export type CreateAnswer = paths["/api/v1/usecases"]["post"]["responses"][201]["content"]["application/json"];
export const examples = { draft, removeDescription };
