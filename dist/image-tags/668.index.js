export const id = 668;
export const ids = [668];
export const modules = {

/***/ 1668:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   DateFormatError: () => (/* binding */ DateFormatError),
/* harmony export */   formatDate: () => (/* binding */ formatDate),
/* harmony export */   isValidTimeZone: () => (/* binding */ isValidTimeZone)
/* harmony export */ });
/* harmony import */ var moment_timezone__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9856);
/* harmony import */ var moment_timezone__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(moment_timezone__WEBPACK_IMPORTED_MODULE_0__);
/**
 * `{{date 'YYYYMMDD' tz='Asia/Tokyo'}}` and `{{commit_date …}}` through moment-timezone itself (the
 * versions metadata-action bundles: moment-timezone 0.6.2 with its full zone data, moment 2.30.1), so
 * format tokens, the default format, the zone names and abbreviations are exactly upstream's (the
 * hand-written formatter this replaced asked the runtime's ICU, whose names and abbreviations differ).
 * Loaded only when an input uses a date expression (optional.ts): the chunk is 914 KB (722 KB of it
 * zone data, all years: a ranged build gives wrong offsets outside its range) and costs 19 ms of CPU
 * more than the ICU formatter did (26 ms on a more loaded machine; the bench's dated case, 61 paired
 * runs), since ICU's own zone data was not free either.
 */

class DateFormatError extends Error {
    constructor(message) {
        super(message);
        this.name = 'DateFormatError';
    }
}
/**
 * True when moment-timezone knows `zone` (its names, links included, matched as it matches them).
 * metadata-action falls back to local time with a console message for an unknown zone; deploy-kit
 * refuses it as an input error instead (expressions.ts).
 */
function isValidTimeZone(zone) {
    return moment_timezone__WEBPACK_IMPORTED_MODULE_0___default().tz.zone(zone) !== null;
}
/**
 * metadata-action's helper body: `moment(date).tz(zone).format(format)`. A format that is not a
 * string (`{{date}}`, or an unquoted `{{date YYYY}}` that Handlebars reads as a missing value) gives
 * moment's default format.
 */
function formatDate(date, format, zone = 'UTC') {
    if (Number.isNaN(date.getTime()))
        throw new DateFormatError('invalid date');
    if (!isValidTimeZone(zone))
        throw new DateFormatError(`unknown time zone "${zone}"`);
    return moment_timezone__WEBPACK_IMPORTED_MODULE_0___default()(date)
        .tz(zone)
        .format(typeof format === 'string' ? format : undefined);
}


/***/ })

};
