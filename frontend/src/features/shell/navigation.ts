/** The main navigation, in the order a user meets the product: build, run, then manage the workspace. */
export interface NavigationItem {
  to: string;
  label: string;
}

export const navigation: readonly NavigationItem[] = [{ to: "/agents", label: "Agents" }];
