import { it } from 'vitest';
import * as A from '../src/classical/arima.js';
it('x', () => { console.log(Object.keys(A)); });
