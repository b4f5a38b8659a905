// Repositories list and the repository page (header, settings, permissions).
export { RepositoriesPage } from "./list";
export { RepositoryPage } from "./repository";
