// The signed-in user's profile, password and personal tokens.
export { ProfilePage } from "./profile";
