import type { Schemas } from "../../api/client";
import { isAllowed } from "../../auth/permissions";
import { navigationGroups, type NavigationGroup, type NavigationItem } from "./navigation";

export interface SidebarSection {
  group: NavigationGroup;
  items: NavigationItem[];
}

/** The navigation a role may use, by section in the sections' order; sections left empty are dropped. */
export function sidebarSections(items: readonly NavigationItem[], role: Schemas["Role"] | undefined): SidebarSection[] {
  return navigationGroups
    .map((group) => ({
      group,
      items: items.filter(
        (item) =>
          item.group === group &&
          (item.requires === undefined || isAllowed(role, item.requires.resource, item.requires.action)),
      ),
    }))
    .filter((section) => section.items.length > 0);
}
