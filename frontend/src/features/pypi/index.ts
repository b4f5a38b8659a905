// PyPI repository content (projects, versions, files).
export { PypiContent } from "./pypi";
