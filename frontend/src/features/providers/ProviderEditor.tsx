import { useState, type SubmitEvent } from "react";
import { useParams } from "react-router";
import { api, type Schemas } from "../../api/client";
import { fieldError, unwrap } from "../../api/problems";
import { queryKeys } from "../../api/queryKeys";
import { useCan } from "../../auth/permissions";
import { BasicsFields, basicFieldNames } from "../../ui/BasicsFields";
import { SelectField, TextArea, TextField } from "../../ui/controls";
import { fieldErrorUnder } from "../../ui/fieldProblems";
import { bodyOrThrow } from "../../ui/formBody";
import { FormFooter, FormSection } from "../../ui/FormParts";
import { ResourceEditor } from "../../ui/ResourceEditor";
import { useResourceSave } from "../../ui/useResourceSave";
import { ApiKeyField } from "./ApiKeyField";
import {
  needsBaseUrl,
  optionHints,
  providerCreateBody,
  providerTypeLabels,
  providerTypes,
  providerUpdateBody,
  providerValues,
  takesApiKey,
  takesBaseUrl,
  withType,
  type ProviderType,
  type ProviderValues,
} from "./providerForm";
import { ProviderTest } from "./ProviderTest";

type Provider = Schemas["ProviderOut"];

const shownFields = [...basicFieldNames, "type", "base_url", "default_model", "options", "api_key", "clear_api_key", "version"];

function ProviderForm({ provider, canWrite }: { provider: Provider | undefined; canWrite: boolean }) {
  const [values, setValues] = useState(() => providerValues(provider));
  const change = (patch: Partial<ProviderValues>) => {
    setValues((current) => ({ ...current, ...patch }));
  };
  const save = useResourceSave({
    path: "/providers",
    isNew: provider === undefined,
    keys: queryKeys.providers,
    save: async (submitted: ProviderValues & { version: number | undefined }) => {
      if (provider === undefined || submitted.version === undefined) {
        return unwrap(api.POST("/api/v1/llm-providers", { body: bodyOrThrow(providerCreateBody(submitted)) }));
      }
      return unwrap(
        api.PUT("/api/v1/llm-providers/{provider_id}", {
          params: { path: { provider_id: provider.id } },
          body: bodyOrThrow(providerUpdateBody(submitted, submitted.version)),
        }),
      );
    },
  });
  const submit = (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    save.mutate(
      { ...values, version: save.data?.version ?? provider?.version },
      {
        onSuccess: () => {
          // The typed key is stored now; the form goes back to showing its status.
          change({ apiKey: "", keyChange: "keep" });
        },
      },
    );
  };
  const stored = save.data ?? provider;
  return (
    <form onSubmit={submit} noValidate aria-label="Provider" className="space-y-4">
      <fieldset disabled={!canWrite} className="space-y-4">
        <FormSection title="Provider" description="Where model calls go.">
          <BasicsFields values={values} onChange={change} error={save.error} namePlaceholder="e.g. OpenAI (team account)" />
          <SelectField
            label="Type"
            value={values.type}
            choices={providerTypes.map((type) => ({ value: type, label: providerTypeLabels[type] }))}
            onChange={(event) => {
              setValues((current) => withType(current, event.target.value as ProviderType));
            }}
            error={fieldError(save.error, "type")}
          />
          {takesBaseUrl(values.type) && (
            <TextField
              label="Base URL"
              type="url"
              required={needsBaseUrl(values.type)}
              placeholder={values.type === "ollama" ? "http://127.0.0.1:11434" : "https://…"}
              hint={needsBaseUrl(values.type) ? "Required for this type" : "Optional"}
              value={values.baseUrl}
              onChange={(event) => {
                change({ baseUrl: event.target.value });
              }}
              error={fieldError(save.error, "base_url")}
            />
          )}
          <TextField
            label="Default model"
            required
            hint="Agents pick this model unless they name another"
            value={values.defaultModel}
            onChange={(event) => {
              change({ defaultModel: event.target.value });
            }}
            error={fieldError(save.error, "default_model")}
          />
          <TextArea
            label="Options (JSON)"
            rows={3}
            className="font-mono"
            hint={optionHints[values.type]}
            value={values.options}
            onChange={(event) => {
              change({ options: event.target.value });
            }}
            error={fieldErrorUnder(save.error, "options")}
          />
        </FormSection>
        {takesApiKey(values.type) && (
          <FormSection title="API key" description="Stored encrypted and never shown again.">
            <ApiKeyField
              stored={stored?.has_api_key ?? false}
              last4={stored?.api_key_last4 ?? null}
              isNew={provider === undefined}
              value={values.apiKey}
              change={values.keyChange}
              onChange={change}
              readOnly={!canWrite}
              error={fieldError(save.error, "api_key") ?? fieldError(save.error, "clear_api_key")}
            />
          </FormSection>
        )}
      </fieldset>
      {canWrite && <FormFooter busy={save.isPending} saved={save.isSuccess} error={save.error} shownFields={shownFields} />}
    </form>
  );
}

export function ProviderEditor() {
  const { providerId } = useParams();
  const canWrite = useCan("llm_providers", "write");
  const canTest = useCan("llm_providers", "execute");
  const canDelete = useCan("llm_providers", "delete");
  return (
    <ResourceEditor<Provider>
      noun="LLM provider"
      listPath="/providers"
      listLabel="LLM providers"
      itemId={providerId}
      queryKey={queryKeys.providers.detail(providerId ?? "new")}
      load={(id) => unwrap(api.GET("/api/v1/llm-providers/{provider_id}", { params: { path: { provider_id: id } } }))}
      remove={(id) => unwrap(api.DELETE("/api/v1/llm-providers/{provider_id}", { params: { path: { provider_id: id } } }))}
      invalidate={queryKeys.providers.all}
      canWrite={canWrite}
      canDelete={canDelete}
      actions={(provider) => (canTest ? <ProviderTest providerId={provider.id} providerName={provider.name} /> : null)}
    >
      {(provider) => <ProviderForm key={provider?.id ?? "new"} provider={provider} canWrite={canWrite} />}
    </ResourceEditor>
  );
}
