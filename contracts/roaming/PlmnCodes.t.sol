// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// The PLMN encoding, fuzzed: exactly 3+2 or 3+3 ASCII digits are valid, the MSIN length follows the MNC length, and
// the registry accepts a claim of a code exactly when it is valid. Random bytes are almost never a valid code, so the
// inputs are drawn from the valid space and from codes one byte away from valid, and a sample shows both answers occur.
import {IOperatorRegistry} from "./IOperatorRegistry.sol";
import {Plmn, PlmnCodes} from "./Plmn.sol";
import {RoamingHarness} from "./RoamingHarness.sol";

contract PlmnCodesTest is RoamingHarness {
    using PlmnCodes for Plmn;

    function setUp() public {
        deployRoaming();
    }

    // Reference rule, written independently of the library: bytes 0..4 digits, byte 5 a digit or 0x00.
    function expectedValid(bytes6 raw) internal pure returns (bool) {
        for (uint256 i = 0; i < 6; i++) {
            uint8 b = uint8(raw[i]);
            bool digit = b >= 48 && b <= 57;
            if (!digit && !(i == 5 && b == 0)) return false;
        }
        return true;
    }

    /// @dev Six bytes, each a digit (chosen by two bits of `shape` being 0..2) or a raw byte of `noise` (3), and the
    /// last byte 0x00 when `shape`'s 13th bit is set: about a fifth of the inputs are valid codes, the rest are near
    /// misses (one or more non-digits, a gap, a zero in the middle) or plain noise.
    function mixedCode(bytes6 noise, uint16 shape) internal pure returns (bytes6 raw) {
        for (uint256 i = 0; i < 6; i++) {
            uint256 pick = (shape >> (2 * i)) & 3;
            uint8 b = pick == 3 ? uint8(noise[i]) : uint8(48 + (uint8(noise[i]) % 10));
            if (i == 5 && (shape >> 12) & 1 == 1) b = 0;
            raw |= bytes6(bytes1(b)) >> (8 * i);
        }
    }

    function testFuzz_isValid_matchesTheDigitRule(bytes6 noise, uint16 shape) public pure {
        bytes6 raw = mixedCode(noise, shape);
        assertEq(Plmn.wrap(raw).isValid() ? 1 : 0, expectedValid(raw) ? 1 : 0, "validity");
    }

    // The fuzz inputs above are not almost all invalid: over a fixed sample of 512 both answers are common.
    function test_mixedCodes_coverBothValidAndInvalid() public pure {
        uint256 valid;
        uint256 sample = 512;
        for (uint256 i = 0; i < sample; i++) {
            bytes32 seed = keccak256(abi.encode("plmn sample", i));
            bytes6 raw = mixedCode(bytes6(seed), uint16(uint256(seed) >> 64));
            bool ok = Plmn.wrap(raw).isValid();
            assertEq(ok ? 1 : 0, expectedValid(raw) ? 1 : 0, "validity");
            if (ok) valid++;
        }
        assertTrue(valid >= sample / 10, "at least a tenth of the sample is valid");
        assertTrue(sample - valid >= sample / 2, "at least half of the sample is invalid");
    }

    function testFuzz_digitCodes_encodeAndMeasureAsExpected(uint24 mcc, uint16 mnc, bool threeDigits) public pure {
        bytes6 raw = validCode(mcc, mnc, threeDigits);
        Plmn p = Plmn.wrap(raw);
        assertTrue(p.isValid(), "valid");
        assertEq(p.mncLength(), threeDigits ? 3 : 2, "MNC length");
        assertEq(p.msinLength(), threeDigits ? 9 : 10, "MSIN length");
        assertEq(Plmn.unwrap(p.shortForm()) & bytes6(0xffffffffff00), raw & bytes6(0xffffffffff00), "short form");
        assertEq(uint8(Plmn.unwrap(p.shortForm())[5]), 0, "short form is 2-digit");
        if (!threeDigits) {
            uint256 digit = uint256(mnc) % 10;
            Plmn longer = p.extend(digit);
            assertEq(longer.mncLength(), 3, "extension is 3-digit");
            assertEq(uint8(Plmn.unwrap(longer)[5]), 48 + digit, "extension digit");
        }
    }

    /// @dev A valid code from fuzz input: MCC `mcc` mod 1000, then `mnc` as 3 digits or as 2 (last byte 0x00).
    function validCode(uint24 mcc, uint16 mnc, bool threeDigits) internal pure returns (bytes6 raw) {
        uint256 m = bound(mcc, 0, 999);
        uint256 n = bound(mnc, 0, threeDigits ? 999 : 99);
        bytes memory text =
            threeDigits
                ? abi.encodePacked(_digits(m, 3), _digits(n, 3))
                : abi.encodePacked(_digits(m, 3), _digits(n, 2));
        for (uint256 i = 0; i < text.length; i++) {
            raw |= bytes6(text[i]) >> (8 * i);
        }
    }

    function testFuzz_claimNetwork_acceptsEveryValidCode(uint24 mcc, uint16 mnc, bool threeDigits) public {
        bytes6 raw = validCode(mcc, mnc, threeDigits);
        assertTrue(expectedValid(raw), "the reference rule calls it valid");
        Plmn p = Plmn.wrap(raw);
        uint256 before = operators.claimCount();
        vm.prank(op0);
        uint256 id = operators.claimNetwork(p, noRanges(), PERIOD);
        assertEq(operators.claimCount(), before + 1, "the claim was opened");
        assertEq(bytes32(Plmn.unwrap(operators.claim(id).plmn)), bytes32(raw), "for this code");
        assertEq(operators.claim(id).operator, op0, "by the claimant");
    }

    /// @dev A valid code with the byte at `position` (0..5) replaced by a non-digit: any byte outside '0'..'9', and for
    /// the last byte also not 0x00 (which would make it a valid 2-digit MNC code).
    function testFuzz_claimNetwork_rejectsEveryInvalidCode(
        uint24 mcc,
        uint16 mnc,
        bool threeDigits,
        uint8 position,
        uint8 badByte
    ) public {
        uint256 at = bound(position, 0, 5);
        uint8 b = badByte;
        if (b >= 48 && b <= 57) b += 10;
        if (at == 5 && b == 0) b = 0xff;
        bytes6 raw = validCode(mcc, mnc, threeDigits);
        raw = (raw & ~(bytes6(0xff0000000000) >> (8 * at))) | (bytes6(bytes1(b)) >> (8 * at));
        assertFalse(expectedValid(raw), "the reference rule calls it invalid");
        Plmn p = Plmn.wrap(raw);
        uint256 before = operators.claimCount();
        vm.expectRevert(abi.encodeWithSelector(IOperatorRegistry.InvalidPlmn.selector, p));
        vm.prank(op0);
        operators.claimNetwork(p, noRanges(), PERIOD);
        assertEq(operators.claimCount(), before, "no claim opened");
    }

    function _digits(uint256 value, uint256 width) private pure returns (bytes memory out) {
        out = new bytes(width);
        for (uint256 i = width; i > 0; i--) {
            out[i - 1] = bytes1(uint8(48 + (value % 10)));
            value /= 10;
        }
    }
}
