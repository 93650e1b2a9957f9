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
/**
 * Moment.js-style date formatting (the `{{date 'YYYYMMDD' tz='Asia/Tokyo'}}` expressions of
 * docker/metadata-action, which uses moment-timezone), written by hand on top of
 * `Intl.DateTimeFormat` for the time-zone conversion. English locale, as moment's default.
 *
 * Supported tokens: everything moment's default formatter knows except locale-specific era
 * names: Y YY YYYY YYYYY YYYYYY Q Qo M Mo MM MMM MMMM D Do DD DDD DDDo DDDD d do dd ddd dddd e E
 * w wo ww W Wo WW gg gggg GG GGGG H HH h hh k kk m mm s ss S..SSSSSSSSS A a Z ZZ X x z zz
 * Hmm Hmmss hmm hmmss, the localized LT LTS L LL LLL LLLL l ll lll llll, `[literal]` and `\x`.
 */
class DateFormatError extends Error {
    constructor(message) {
        super(message);
        this.name = 'DateFormatError';
    }
}
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const formatterCache = new Map();
function formatterFor(zone) {
    let f = formatterCache.get(zone);
    if (!f) {
        try {
            f = new Intl.DateTimeFormat('en-US', {
                timeZone: zone,
                hourCycle: 'h23',
                year: 'numeric',
                month: 'numeric',
                day: 'numeric',
                hour: 'numeric',
                minute: 'numeric',
                second: 'numeric',
                era: 'short',
            });
        }
        catch {
            throw new DateFormatError(`unknown time zone "${zone}"`);
        }
        formatterCache.set(zone, f);
    }
    return f;
}
/** True when `zone` is an IANA time zone name this runtime knows. */
function isValidTimeZone(zone) {
    try {
        formatterFor(zone);
        return true;
    }
    catch {
        return false;
    }
}
function partsIn(date, zone) {
    const epochMs = date.getTime();
    if (Number.isNaN(epochMs))
        throw new DateFormatError('invalid date');
    const values = {};
    for (const p of formatterFor(zone).formatToParts(date))
        values[p.type] = p.value;
    let year = Number(values.year);
    if (values.era === 'BC' || values.era === 'B')
        year = 1 - year;
    const month = Number(values.month);
    const day = Number(values.day);
    const hour = Number(values.hour) % 24;
    const minute = Number(values.minute);
    const second = Number(values.second);
    const ms = ((epochMs % 1000) + 1000) % 1000;
    const asUtc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
    const d = new Date(0);
    d.setUTCFullYear(year, month - 1, day);
    const offset = Math.round((asUtc - epochMs) / 60000);
    return { year, month, day, hour, minute, second, ms, weekday: d.getUTCDay(), offset, epochMs, zone };
}
function pad(n, width) {
    const s = String(Math.abs(n)).padStart(width, '0');
    return n < 0 ? `-${s}` : s;
}
function ordinal(n) {
    const b = n % 10;
    const suffix = Math.floor((n % 100) / 10) === 1 ? 'th' : b === 1 ? 'st' : b === 2 ? 'nd' : b === 3 ? 'rd' : 'th';
    return `${n}${suffix}`;
}
function isLeap(y) {
    return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}
function dayOfYear(p) {
    return Math.round((Date.UTC(p.year, p.month - 1, p.day) - Date.UTC(p.year, 0, 1)) / 86400000) + 1;
}
// moment's week-of-year algorithm (dow = first day of week, doy = dow + 6 - janX)
function firstWeekOffset(year, dow, doy) {
    const fwd = 7 + dow - doy;
    const d = new Date(Date.UTC(2000, 0, fwd));
    d.setUTCFullYear(year);
    const fwdlw = (7 + d.getUTCDay() - dow) % 7;
    return -fwdlw + fwd - 1;
}
function weeksInYear(year, dow, doy) {
    const weekOffset = firstWeekOffset(year, dow, doy);
    const weekOffsetNext = firstWeekOffset(year + 1, dow, doy);
    return ((isLeap(year) ? 366 : 365) - weekOffset + weekOffsetNext) / 7;
}
function weekOfYear(p, dow, doy) {
    const weekOffset = firstWeekOffset(p.year, dow, doy);
    const week = Math.floor((dayOfYear(p) - weekOffset - 1) / 7) + 1;
    if (week < 1) {
        const y = p.year - 1;
        return { week: week + weeksInYear(y, dow, doy), year: y };
    }
    const wiy = weeksInYear(p.year, dow, doy);
    if (week > wiy)
        return { week: week - wiy, year: p.year + 1 };
    return { week, year: p.year };
}
function offsetString(minutes, sep) {
    const sign = minutes < 0 ? '-' : '+';
    const abs = Math.abs(minutes);
    return `${sign}${pad(Math.floor(abs / 60), 2)}${sep}${pad(abs % 60, 2)}`;
}
function zoneAbbr(p) {
    if (p.zone === 'UTC' || p.zone === 'Etc/UTC')
        return 'UTC';
    try {
        const f = new Intl.DateTimeFormat('en-US', { timeZone: p.zone, timeZoneName: 'short' });
        return f.formatToParts(new Date(p.epochMs)).find(x => x.type === 'timeZoneName')?.value ?? '';
    }
    catch {
        return '';
    }
}
const LOCALIZED = {
    LTS: 'h:mm:ss A',
    LT: 'h:mm A',
    L: 'MM/DD/YYYY',
    LL: 'MMMM D, YYYY',
    LLL: 'MMMM D, YYYY h:mm A',
    LLLL: 'dddd, MMMM D, YYYY h:mm A',
    l: 'M/D/YYYY',
    ll: 'MMM D, YYYY',
    lll: 'MMM D, YYYY h:mm A',
    llll: 'ddd, MMM D, YYYY h:mm A',
};
function expandLocalized(format) {
    // moment expands localized tokens (outside brackets) before formatting
    let out = format;
    for (let n = 0; n < 5; n++) {
        const next = out.replace(/(\[[^\]]*\])|(\\)?(LTS|LT|LL?L?L?|l{1,4})/g, (m, bracket, esc, tok) => {
            if (bracket || esc)
                return m;
            return LOCALIZED[tok] ?? m;
        });
        if (next === out)
            break;
        out = next;
    }
    return out;
}
const TOKENS = /(\[[^[]*\])|(\\)?([Hh]mm(ss)?|Mo|MM?M?M?|Do|DDDo|DD?D?D?|ddd?d?|do?|w[o|w]?|W[o|W]?|Qo?|N{1,5}|YYYYYY|YYYYY|YYYY|YY|y{2,4}|yo?|gg(ggg?)?|GG(GGG?)?|e|E|a|A|hh?|HH?|kk?|mm?|ss?|S{1,9}|x|X|zz?|ZZ?|.)/g;
function token(tok, p) {
    const h12 = p.hour % 12 || 12;
    switch (tok) {
        case 'YYYYYY':
            return (p.year < 0 ? '-' : '+') + pad(Math.abs(p.year), 6);
        case 'YYYYY':
            return pad(p.year, 5);
        case 'YYYY':
            return p.year <= 9999 ? pad(p.year, 4) : `+${p.year}`;
        case 'YY':
            return pad(p.year % 100, 2);
        case 'Y':
            return p.year <= 9999 ? String(p.year) : `+${p.year}`;
        case 'y':
        case 'yy':
        case 'yyy':
        case 'yyyy':
            return tok.length === 2 ? pad(p.year % 100, 2) : String(p.year);
        case 'yo':
            return ordinal(p.year);
        case 'N':
        case 'NN':
        case 'NNN':
            return p.year > 0 ? 'AD' : 'BC';
        case 'NNNN':
            return p.year > 0 ? 'Anno Domini' : 'Before Christ';
        case 'NNNNN':
            return p.year > 0 ? 'AD' : 'BC';
        case 'Q':
            return String(Math.ceil(p.month / 3));
        case 'Qo':
            return ordinal(Math.ceil(p.month / 3));
        case 'M':
            return String(p.month);
        case 'Mo':
            return ordinal(p.month);
        case 'MM':
            return pad(p.month, 2);
        case 'MMM':
            return MONTHS[p.month - 1].slice(0, 3);
        case 'MMMM':
            return MONTHS[p.month - 1];
        case 'D':
            return String(p.day);
        case 'Do':
            return ordinal(p.day);
        case 'DD':
            return pad(p.day, 2);
        case 'DDD':
            return String(dayOfYear(p));
        case 'DDDo':
            return ordinal(dayOfYear(p));
        case 'DDDD':
            return pad(dayOfYear(p), 3);
        case 'd':
        case 'e':
            return String(p.weekday);
        case 'do':
            return ordinal(p.weekday);
        case 'dd':
            return WEEKDAYS[p.weekday].slice(0, 2);
        case 'ddd':
            return WEEKDAYS[p.weekday].slice(0, 3);
        case 'dddd':
            return WEEKDAYS[p.weekday];
        case 'E':
            return String(p.weekday || 7);
        case 'w':
            return String(weekOfYear(p, 0, 6).week);
        case 'wo':
            return ordinal(weekOfYear(p, 0, 6).week);
        case 'ww':
            return pad(weekOfYear(p, 0, 6).week, 2);
        case 'W':
            return String(weekOfYear(p, 1, 4).week);
        case 'Wo':
            return ordinal(weekOfYear(p, 1, 4).week);
        case 'WW':
            return pad(weekOfYear(p, 1, 4).week, 2);
        case 'gg':
            return pad(weekOfYear(p, 0, 6).year % 100, 2);
        case 'gggg':
            return pad(weekOfYear(p, 0, 6).year, 4);
        case 'ggggg':
            return pad(weekOfYear(p, 0, 6).year, 5);
        case 'GG':
            return pad(weekOfYear(p, 1, 4).year % 100, 2);
        case 'GGGG':
            return pad(weekOfYear(p, 1, 4).year, 4);
        case 'GGGGG':
            return pad(weekOfYear(p, 1, 4).year, 5);
        case 'H':
            return String(p.hour);
        case 'HH':
            return pad(p.hour, 2);
        case 'h':
            return String(h12);
        case 'hh':
            return pad(h12, 2);
        case 'k':
            return String(p.hour || 24);
        case 'kk':
            return pad(p.hour || 24, 2);
        case 'Hmm':
            return `${p.hour}${pad(p.minute, 2)}`;
        case 'Hmmss':
            return `${p.hour}${pad(p.minute, 2)}${pad(p.second, 2)}`;
        case 'hmm':
            return `${h12}${pad(p.minute, 2)}`;
        case 'hmmss':
            return `${h12}${pad(p.minute, 2)}${pad(p.second, 2)}`;
        case 'm':
            return String(p.minute);
        case 'mm':
            return pad(p.minute, 2);
        case 's':
            return String(p.second);
        case 'ss':
            return pad(p.second, 2);
        case 'a':
            return p.hour < 12 ? 'am' : 'pm';
        case 'A':
            return p.hour < 12 ? 'AM' : 'PM';
        case 'Z':
            return offsetString(p.offset, ':');
        case 'ZZ':
            return offsetString(p.offset, '');
        case 'X':
            return String(Math.floor(p.epochMs / 1000));
        case 'x':
            return String(p.epochMs);
        case 'z':
        case 'zz':
            return zoneAbbr(p);
    }
    if (/^S{1,9}$/.test(tok)) {
        const ms = pad(p.ms, 3);
        return tok.length <= 3 ? ms.slice(0, tok.length) : ms + '0'.repeat(tok.length - 3);
    }
    return tok;
}
/**
 * Formats `date` in `zone` like `moment(date).tz(zone).format(format)`. A missing (non-string)
 * format gives moment's default, `YYYY-MM-DDTHH:mm:ss[Z]` in UTC and `YYYY-MM-DDTHH:mm:ssZ`
 * elsewhere.
 */
function formatDate(date, format, zone = 'UTC') {
    const p = partsIn(date, zone);
    let fmt;
    if (typeof format === 'string')
        fmt = format;
    else
        fmt = p.offset === 0 ? 'YYYY-MM-DDTHH:mm:ss[Z]' : 'YYYY-MM-DDTHH:mm:ssZ';
    fmt = expandLocalized(fmt);
    return fmt.replace(TOKENS, (_m, bracket, esc, tok) => {
        if (bracket)
            return bracket.slice(1, -1);
        if (esc)
            return tok;
        return token(tok, p);
    });
}


/***/ })

};
