import { initials } from "./roles";

const sizes = { sm: "size-7 text-[11px]", md: "size-9 text-xs" } as const;

/** Initials in a circle. They are drawn by CSS, not text, so they never become part of a label or a name. */
export function Avatar({ name, email, size = "md" }: { name: string; email: string; size?: keyof typeof sizes }) {
  return (
    <span
      aria-hidden="true"
      data-initials={initials(name, email)}
      className={`inline-flex shrink-0 items-center justify-center rounded-full bg-gradient-to-br from-indigo-500 to-violet-500 font-semibold text-white before:content-[attr(data-initials)] ${sizes[size]}`}
    />
  );
}
