import {
  createContext,
  use,
  useEffect,
  useId,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from "react";
import { Link } from "react-router";
import { focusRing } from "./controls";

const CloseMenu = createContext<() => void>(() => undefined);

const itemLook = `flex w-full items-center gap-2 rounded-md px-2.5 py-2 text-left text-sm text-slate-700 hover:bg-slate-100 focus:bg-slate-100 focus:outline-none`;

function menuItems(menu: HTMLElement | null): HTMLElement[] {
  return menu === null ? [] : Array.from(menu.querySelectorAll<HTMLElement>('[role^="menuitem"]'));
}

/** A button that opens a list of actions: arrow keys move between them, Escape or a click outside closes it. */
export function Menu({
  label,
  trigger,
  children,
  align = "end",
  triggerClassName = "",
  onOpen,
}: {
  /** The trigger's accessible name. */
  label: string;
  trigger: ReactNode;
  children: ReactNode;
  align?: "start" | "end";
  triggerClassName?: string;
  /** Called as the menu opens, e.g. to refresh what it lists. */
  onOpen?: () => void;
}) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const menuId = useId();

  useEffect(() => {
    if (!open) return;
    menuItems(menu.current)[0]?.focus();
    const closeOutside = (event: MouseEvent) => {
      if (event.target instanceof Node && !root.current?.contains(event.target)) setOpen(false);
    };
    document.addEventListener("mousedown", closeOutside);
    return () => {
      document.removeEventListener("mousedown", closeOutside);
    };
  }, [open]);

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };

  const moveFocus = (event: KeyboardEvent<HTMLDivElement>) => {
    const items = menuItems(menu.current);
    const current = items.findIndex((item) => item === document.activeElement);
    const moves: Record<string, number> = { ArrowDown: current + 1, ArrowUp: current - 1, Home: 0, End: items.length - 1 };
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    } else if (event.key === "Tab") {
      setOpen(false);
    } else if (event.key in moves && items.length > 0) {
      event.preventDefault();
      const target = ((moves[event.key] ?? 0) + items.length) % items.length;
      items[target]?.focus();
    }
  };

  return (
    <div ref={root} className="relative min-w-0">
      <button
        ref={button}
        type="button"
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => {
          if (!open) onOpen?.();
          setOpen(!open);
        }}
        className={`${focusRing} ${triggerClassName}`}
      >
        {trigger}
      </button>
      {open && (
        <div
          ref={menu}
          id={menuId}
          role="menu"
          aria-label={label}
          onKeyDown={moveFocus}
          className={`absolute z-40 mt-2 w-72 origin-top rounded-xl border border-slate-200 bg-white p-1.5 shadow-lg ring-1 ring-slate-900/5 ${align === "end" ? "right-0" : "left-0"}`}
        >
          <CloseMenu value={close}>{children}</CloseMenu>
        </div>
      )}
    </div>
  );
}

export function MenuItem({
  onSelect,
  children,
  checked,
}: {
  onSelect: () => void;
  children: ReactNode;
  /** Set for a choice among several (the current one is checked). */
  checked?: boolean;
}) {
  const close = use(CloseMenu);
  return (
    <button
      type="button"
      role={checked === undefined ? "menuitem" : "menuitemradio"}
      aria-checked={checked}
      tabIndex={-1}
      onClick={() => {
        close();
        onSelect();
      }}
      className={itemLook}
    >
      {children}
    </button>
  );
}

export function MenuLink({ to, children }: { to: string; children: ReactNode }) {
  const close = use(CloseMenu);
  return (
    <Link to={to} role="menuitem" tabIndex={-1} onClick={close} className={itemLook}>
      {children}
    </Link>
  );
}

/** A heading or note inside a menu that is not an action. */
export function MenuSection({ children }: { children: ReactNode }) {
  return <div className="px-2.5 pt-2 pb-1 text-xs font-medium text-slate-500">{children}</div>;
}

export function MenuDivider() {
  return <div role="separator" className="my-1 h-px bg-slate-100" />;
}
