// The words a key is spelt out with when it is read aloud: the ICAO spelling alphabet for letters, the
// names of digits (with the ICAO's `niner`, `fower`, `fife`, `tree`) and of the signs a key holds. Pure data.

export const SPOKEN_LETTERS: Readonly<Record<string, string>> = {
  alfa: 'a', alpha: 'a', bravo: 'b', charlie: 'c', delta: 'd', echo: 'e', foxtrot: 'f', golf: 'g', hotel: 'h',
  india: 'i', juliet: 'j', juliett: 'j', kilo: 'k', lima: 'l', mike: 'm', november: 'n', oscar: 'o', papa: 'p',
  quebec: 'q', romeo: 'r', sierra: 's', tango: 't', uniform: 'u', victor: 'v', whiskey: 'w', whisky: 'w',
  xray: 'x', yankee: 'y', zulu: 'z',
};

export const SPOKEN_DIGITS: Readonly<Record<string, string>> = {
  zero: '0', oh: '0', one: '1', two: '2', three: '3', tree: '3', four: '4', fower: '4', five: '5', fife: '5',
  six: '6', seven: '7', eight: '8', nine: '9', niner: '9',
};

export const SPOKEN_SIGNS: Readonly<Record<string, string>> = {
  underscore: '_', dash: '-', hyphen: '-', minus: '-', dot: '.', period: '.', point: '.', slash: '/', plus: '+', equals: '=',
};
