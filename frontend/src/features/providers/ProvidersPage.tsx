import { api, type Schemas } from "../../api/client";
import { unwrap } from "../../api/problems";
import { queryKeys } from "../../api/queryKeys";
import { useCan } from "../../auth/permissions";
import { ButtonLink, ItemLink } from "../../ui/ButtonLink";
import { useCursorPages } from "../../ui/CursorPages";
import { ResourceListPage } from "../../ui/ResourceListPage";
import type { Column } from "../../ui/ResourceTable";
import { useListPage } from "../../ui/useListPage";
import { WriteOnlyStatus } from "../../ui/WriteOnlyStatus";
import { providerTypeLabels, takesApiKey } from "./providerForm";
import { ProviderTest } from "./ProviderTest";

type Provider = Schemas["ProviderOut"];

export function ProvidersPage() {
  const pages = useCursorPages();
  const canWrite = useCan("llm_providers", "write");
  const canTest = useCan("llm_providers", "execute");
  const providers = useListPage(pages, queryKeys.providers.list, (query) =>
    unwrap(api.GET("/api/v1/llm-providers", { params: { query: { sort: "name", ...query } } })),
  );
  const columns: Column<Provider>[] = [
    { header: "Name", cell: (provider) => <ItemLink to={`/providers/${provider.id}`}>{provider.name}</ItemLink> },
    { header: "Type", cell: (provider) => providerTypeLabels[provider.type] },
    { header: "Default model", cell: (provider) => <code className="text-xs">{provider.default_model}</code> },
    {
      header: "API key",
      cell: (provider) =>
        takesApiKey(provider.type) ? (
          <WriteOnlyStatus stored={provider.has_api_key} detail={provider.api_key_last4} />
        ) : (
          <span className="text-xs text-slate-500">none needed</span>
        ),
    },
  ];
  if (canTest) {
    columns.push({
      header: "Connection",
      cell: (provider) => <ProviderTest providerId={provider.id} providerName={provider.name} />,
    });
  }
  const newProvider = canWrite ? (
    <ButtonLink to="/providers/new" look="primary">
      New provider
    </ButtonLink>
  ) : undefined;
  return (
    <ResourceListPage
      id="providers-title"
      title="LLM providers"
      plural="LLM providers"
      intro="The model services agents, crews and LLM steps call. Keys are stored encrypted and never shown again."
      pages={pages}
      list={providers}
      columns={columns}
      actions={newProvider}
      emptyTitle="No LLM providers yet"
      emptyText={
        canWrite
          ? "Add one with its API key to let agents call a model; a mock provider answers offline for trying things out."
          : "An admin of this workspace adds providers; ask one to connect a model service."
      }
      emptyAction={newProvider}
    />
  );
}
