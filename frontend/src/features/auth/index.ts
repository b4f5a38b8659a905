// Sign-in. Route components of this area (lazy-loaded by src/routes.tsx).
export { LoginPage } from "./login";
