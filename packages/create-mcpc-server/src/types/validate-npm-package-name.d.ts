// validate-npm-package-name ships no types; this is the part we use.
declare module "validate-npm-package-name" {
  interface Validation {
    validForNewPackages: boolean;
    validForOldPackages: boolean;
    errors?: string[];
    warnings?: string[];
  }
  function validate(name: string): Validation;
  export default validate;
}
