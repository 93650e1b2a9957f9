/** Handlebars' own prebuilt, minified distribution of the same version (see optional.ts). */
declare module 'handlebars/dist/handlebars.min.js' {
  import Handlebars from 'handlebars';
  export default Handlebars;
}
