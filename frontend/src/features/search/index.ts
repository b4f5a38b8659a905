// Search across repositories, packages and files.
export { SearchPage } from "./search";
