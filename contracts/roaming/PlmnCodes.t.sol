// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// The PLMN encoding, fuzzed: exactly 3+2 or 3+3 ASCII digits are valid, the MSIN length follows the MNC length, and
// the registry accepts a claim of a code exactly when it is valid.
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

    function testFuzz_isValid_matchesTheDigitRule(bytes6 raw) public pure {
        assertEq(Plmn.wrap(raw).isValid() ? 1 : 0, expectedValid(raw) ? 1 : 0, "validity");
    }

    function testFuzz_digitCodes_encodeAndMeasureAsExpected(uint24 mcc, uint16 mnc, bool threeDigits) public pure {
        uint256 m = bound(mcc, 0, 999);
        uint256 n = bound(mnc, 0, threeDigits ? 999 : 99);
        bytes memory text =
            threeDigits
                ? abi.encodePacked(_digits(m, 3), _digits(n, 3))
                : abi.encodePacked(_digits(m, 3), _digits(n, 2));
        bytes6 raw;
        for (uint256 i = 0; i < text.length; i++) {
            raw |= bytes6(text[i]) >> (8 * i);
        }
        Plmn p = Plmn.wrap(raw);
        assertTrue(p.isValid(), "valid");
        assertEq(p.mncLength(), threeDigits ? 3 : 2, "MNC length");
        assertEq(p.msinLength(), threeDigits ? 9 : 10, "MSIN length");
        assertEq(Plmn.unwrap(p.shortForm()) & bytes6(0xffffffffff00), raw & bytes6(0xffffffffff00), "short form");
        assertEq(uint8(Plmn.unwrap(p.shortForm())[5]), 0, "short form is 2-digit");
        if (!threeDigits) {
            uint256 digit = n % 10;
            Plmn longer = p.extend(digit);
            assertEq(longer.mncLength(), 3, "extension is 3-digit");
            assertEq(uint8(Plmn.unwrap(longer)[5]), 48 + digit, "extension digit");
        }
    }

    function testFuzz_claimNetwork_acceptsExactlyValidCodes(bytes6 raw) public {
        Plmn p = Plmn.wrap(raw);
        if (!expectedValid(raw)) vm.expectRevert(abi.encodeWithSelector(IOperatorRegistry.InvalidPlmn.selector, p));
        vm.prank(op0);
        operators.claimNetwork(p, noRanges(), PERIOD);
    }

    function _digits(uint256 value, uint256 width) private pure returns (bytes memory out) {
        out = new bytes(width);
        for (uint256 i = width; i > 0; i--) {
            out[i - 1] = bytes1(uint8(48 + (value % 10)));
            value /= 10;
        }
    }
}
