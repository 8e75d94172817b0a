// Small files as people answer file and photo items with, for the tests: a 2×2 PNG and an 8×8
// grey baseline JPEG that image readers (libharu, browsers) read, and the start of a PDF.
#pragma once

#include <string>

namespace ablauf::test {

inline const std::string png_photo(
    "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x02\x00\x00"
    "\x00\x02\x08\x02\x00\x00\x00\xfd\xd4\x9a\x73\x00\x00\x00\x12\x49\x44\x41\x54\x78\x9c\x63"
    "\x38\x21\x27\x27\x77\x42\x8e\x01\x42\x01\x00\x1d\xd2\x04\x11\xdf\x3c\x1d\x5b\x00\x00\x00"
    "\x00\x49\x45\x4e\x44\xae\x42\x60\x82",
    75);

inline const std::string jpeg_photo = [] {
  std::string jpeg("\xff\xd8\xff\xdb\x00\x43\x00", 7);
  jpeg.append(64, '\x01');  // a flat quantisation table
  jpeg.append("\xff\xc0\x00\x0b\x08\x00\x08\x00\x08\x01\x01\x11\x00", 13);  // 8×8, grey
  // One Huffman code for DC 0 and one for end-of-block: the picture is one grey block.
  for (const char table : {'\x00', '\x10'}) {
    jpeg.append("\xff\xc4\x00\x14", 4);
    jpeg += table;
    jpeg += '\x01';
    jpeg.append(15, '\x00');
    jpeg += '\x00';
  }
  jpeg.append("\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00\x3f\xff\xd9", 13);
  return jpeg;
}();

inline const std::string pdf_letter = "%PDF-1.4\n% Ankündigung der Zählerablesung\n%%EOF\n";

}  // namespace ablauf::test
