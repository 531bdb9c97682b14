import { useEffect } from "react";
import { useLocation } from "react-router";
import { useCan } from "../../auth/permissions";
import { PageHeader } from "../../ui/PageHeader";
import { DangerZone } from "./DangerZone";
import { ProfileSection } from "./ProfileSection";
import { WorkspaceSection } from "./WorkspaceSection";

export function SettingsPage() {
  const canDelete = useCan("tenant", "delete");
  const { hash } = useLocation();
  // The router does not scroll to a fragment (the user menu links to #profile), so the page does.
  useEffect(() => {
    if (hash !== "") document.getElementById(hash.slice(1))?.scrollIntoView();
  }, [hash]);
  return (
    <section aria-labelledby="settings-title" className="max-w-3xl">
      <PageHeader id="settings-title" title="Settings" />
      <div className="space-y-6">
        <WorkspaceSection />
        <ProfileSection />
        {canDelete && <DangerZone />}
      </div>
    </section>
  );
}
