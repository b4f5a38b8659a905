// Administration: the section layout. The route (routes.tsx) already refuses
// non-admins before anything here mounts or fetches.
import { Link } from "@tanstack/react-router";
import { AuditSection } from "./audit";
import { LicensingSection } from "./licensing";
import { ServicesSection } from "./services";
import { SettingsSection } from "./settings";
import { UsersSection } from "./users";

const sections = [
  { id: "users", label: "Users", to: "/admin/users" },
  { id: "services", label: "Services", to: "/admin/services" },
  { id: "licensing", label: "Licensing", to: "/admin/licensing" },
  { id: "settings", label: "Settings", to: "/admin/settings" },
  { id: "audit", label: "Audit log", to: "/admin/audit" },
] as const;

export function AdminPage({ section }: { section: string }) {
  return (
    <div className="page admin">
      <nav className="sidenav" aria-label="Administration">
        <h2>Administration</h2>
        {sections.map((s) => (
          <Link key={s.id} to={s.to} className={s.id === section ? "active" : ""} aria-current={s.id === section ? "page" : undefined}>
            {s.label}
          </Link>
        ))}
      </nav>
      <div className="grow">
        {section === "users" && <UsersSection />}
        {section === "services" && <ServicesSection />}
        {section === "licensing" && <LicensingSection />}
        {section === "settings" && <SettingsSection />}
        {section === "audit" && <AuditSection />}
      </div>
    </div>
  );
}
