// Draws the otpauth:// URI of a TOTP enrolment as a QR code. The encoding is Project Nayuki's
// library (qrcodegen.js, vendored beside this file), so an authenticator app reads what a
// maintained, widely tested encoder produces; this file only paints its modules on a canvas.
import qrcodegen from './qrcodegen.js';

/** A canvas drawing of `text`'s QR code (error correction level M or better), 4 modules of quiet zone, `scale` pixels a module. */
export function qrCanvas(text, scale = 5) {
  const code = qrcodegen.QrCode.encodeText(text, qrcodegen.QrCode.Ecc.MEDIUM);
  const quiet = 4;
  const size = code.size + 2 * quiet;
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = size * scale;
  const context = canvas.getContext('2d');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.fillStyle = '#000';
  for (let y = 0; y < code.size; y++) {
    for (let x = 0; x < code.size; x++) {
      if (code.getModule(x, y)) context.fillRect((x + quiet) * scale, (y + quiet) * scale, scale, scale);
    }
  }
  return canvas;
}
