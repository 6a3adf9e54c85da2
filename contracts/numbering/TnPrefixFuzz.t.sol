// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Fuzz tests of the prefix rules against brute-force references: prefix validation against a byte-by-byte
// validator, allocation overlap against a scan of every active allocation, and "who decides number N" against an
// explicit table of every number's owner (a tiny numbering plan: digits 1-2, numbers of 4 digits).
import {ITnAuthority} from "./ITnAuthority.sol";
import {NumberingHarness} from "./NumberingHarness.sol";
import {TnPrefixLib} from "./TnPrefix.sol";

contract TnPrefixFuzzTest is NumberingHarness {
    uint256 internal constant NUMBER_DIGITS = 4;
    uint256 internal constant NUMBERS = 16; // 2^4

    // Reference model.
    string[] internal activePrefixes;
    uint256[] internal activeIds;
    uint256[NUMBERS] internal owner;

    function setUp() public {
        deployVettedWorld();
    }

    function testFuzz_prefixValidation_matchesAByteValidator(bytes memory raw) public view {
        (bool ok, ITnAuthority.PrefixProblem problem, uint256 position) = referenceValidate(raw);
        try tn.allocationState(string(raw)) {
            assertTrue(ok, "accepted a prefix the reference rejects");
        } catch (bytes memory reason) {
            assertFalse(ok, "rejected a prefix the reference accepts");
            bytes memory expected = abi.encodeWithSelector(
                ITnAuthority.InvalidPrefix.selector,
                string(raw),
                problem,
                position
            );
            assertEq(keccak256(reason), keccak256(expected), "error names the problem and position");
        }
    }

    /// @dev covers() walks up from the longer prefix; the reference compares the digit strings. Digits 1-3 and
    /// lengths 1-15 make covering pairs, equal pairs and near misses (same length, one digit apart) all common.
    function testFuzz_covers_matchesAStringPrefixCheck(uint256 seed) public view {
        bytes memory a = randomDigits(seed, 0);
        bytes memory b = randomDigits(seed, 1);
        if (seed % 3 == 0) b = bytes.concat(a, randomDigits(seed, 2)); // often a true ancestor
        if (b.length > 15) return;
        assertTrue(this.coversOf(string(a), string(b)) == referenceCovers(a, b), "covers(a, b)");
        assertTrue(this.coversOf(string(b), string(a)) == referenceCovers(b, a), "covers(b, a)");
    }

    function coversOf(string calldata ancestor, string calldata prefix) external pure returns (bool) {
        return TnPrefixLib.covers(TnPrefixLib.parse(ancestor), TnPrefixLib.parse(prefix));
    }

    function randomDigits(uint256 seed, uint256 salt) internal pure returns (bytes memory digits) {
        uint256 r = uint256(keccak256(abi.encode(seed, salt)));
        digits = new bytes(1 + (r % 8));
        for (uint256 i = 0; i < digits.length; i++) digits[i] = bytes1(uint8(0x31 + ((r >> (8 + 2 * i)) % 3)));
    }

    function referenceCovers(bytes memory ancestor, bytes memory prefix) internal pure returns (bool) {
        if (ancestor.length > prefix.length) return false;
        for (uint256 i = 0; i < ancestor.length; i++) if (ancestor[i] != prefix[i]) return false;
        return true;
    }

    function testFuzz_prefixRoundTrip(uint64 seed, uint8 lengthSeed) public {
        uint256 length = bound(lengthSeed, 1, 15);
        bytes memory digits = new bytes(length);
        for (uint256 i = 0; i < length; i++) {
            uint8 d = uint8(uint256(keccak256(abi.encode(seed, i))) % 10);
            if (i == 0 && d == 0) d = 1;
            digits[i] = bytes1(0x30 + d);
        }
        uint256 id = allocate(TNSP_ORG, string(digits));
        assertEq(tn.grant(id).prefix, string(digits), "printed back unchanged");
    }

    /// @dev Random allocations, ports and revocations; after each step the contract agrees with the reference on
    /// acceptance and on every number's deciding allocation and holders.
    function testFuzz_overlapAndWhoMayUse_matchReference(uint256 seed) public {
        for (uint256 step = 0; step < 12; step++) {
            uint256 r = uint256(keccak256(abi.encode(seed, step)));
            uint256 op = r % 4;
            string memory prefix = randomPrefix(r >> 8);
            address holder = (r >> 40) % 2 == 0 ? TNSP_ORG : TNSP2_ORG;
            if (op <= 1) stepAllocate(prefix, holder);
            else if (op == 2) stepPort(prefix, holder);
            else stepRevoke(r >> 48);
            vm.warp(block.timestamp + 1);
            checkEveryNumber();
        }
    }

    function stepAllocate(string memory prefix, address holder) internal {
        bool overlaps = false;
        for (uint256 i = 0; i < activePrefixes.length; i++) {
            if (startsWith(prefix, activePrefixes[i]) || startsWith(activePrefixes[i], prefix)) overlaps = true;
        }
        vm.prank(NA_MEMBER);
        try tn.allocate(NA_ORG, terms(holder, prefix)) returns (uint256 id) {
            assertFalse(overlaps, "allocated an overlapping prefix");
            recordAllocation(prefix, id);
        } catch {
            assertTrue(overlaps, "refused a free prefix");
        }
    }

    function stepPort(string memory prefix, address holder) internal {
        bool covered = false;
        bool below = false;
        uint256 exact = 0;
        for (uint256 i = 0; i < activePrefixes.length; i++) {
            if (startsWith(prefix, activePrefixes[i])) covered = true;
            if (keccak256(bytes(prefix)) == keccak256(bytes(activePrefixes[i]))) exact = i + 1;
            else if (startsWith(activePrefixes[i], prefix)) below = true;
        }
        vm.prank(NA_MEMBER);
        try tn.port(NA_ORG, terms(holder, prefix), ordered(prefix)) returns (uint256 id) {
            assertTrue(covered && !below, "ported what the reference refuses");
            if (exact != 0) dropActive(exact - 1);
            recordAllocation(prefix, id);
        } catch {
            assertFalse(covered && !below, "refused a port the reference allows");
        }
    }

    function stepRevoke(uint256 r) internal {
        if (activeIds.length == 0) return;
        uint256 i = r % activeIds.length;
        revokeAs(NA_MEMBER, activeIds[i], 6);
        dropActive(i);
    }

    function recordAllocation(string memory prefix, uint256 id) internal {
        activePrefixes.push(prefix);
        activeIds.push(id);
        for (uint256 n = 0; n < NUMBERS; n++) {
            if (startsWith(numberString(n), prefix)) owner[n] = id;
        }
    }

    function dropActive(uint256 i) internal {
        activePrefixes[i] = activePrefixes[activePrefixes.length - 1];
        activePrefixes.pop();
        activeIds[i] = activeIds[activeIds.length - 1];
        activeIds.pop();
    }

    function checkEveryNumber() internal view {
        for (uint256 n = 0; n < NUMBERS; n++) {
            string memory number = numberString(n);
            assertEq(tn.decidingAllocation(number, now64()), owner[n], "deciding allocation");
            (address[] memory holders, uint256[] memory ids) = tn.whoMayUse(number, now64());
            bool ownerActive = false;
            for (uint256 i = 0; i < activeIds.length; i++) if (activeIds[i] == owner[n]) ownerActive = true;
            if (ownerActive) {
                assertEq(holders.length, 1, "exactly the owning TNSP");
                assertEq(ids[0], owner[n], "through the owning allocation");
            } else {
                assertEq(holders.length, 0, "nobody");
            }
        }
    }

    function randomPrefix(uint256 r) internal pure returns (string memory) {
        uint256 length = 1 + (r % NUMBER_DIGITS);
        bytes memory out = new bytes(length);
        for (uint256 i = 0; i < length; i++) out[i] = bytes1(uint8(0x31 + ((r >> (4 + i)) & 1)));
        return string(out);
    }

    function numberString(uint256 n) internal pure returns (string memory) {
        bytes memory out = new bytes(NUMBER_DIGITS);
        for (uint256 i = 0; i < NUMBER_DIGITS; i++) out[i] = bytes1(uint8(0x31 + ((n >> (NUMBER_DIGITS - 1 - i)) & 1)));
        return string(out);
    }

    function startsWith(string memory text, string memory prefix) internal pure returns (bool) {
        bytes memory a = bytes(text);
        bytes memory b = bytes(prefix);
        if (b.length > a.length) return false;
        for (uint256 i = 0; i < b.length; i++) if (a[i] != b[i]) return false;
        return true;
    }

    function referenceValidate(
        bytes memory raw
    ) internal pure returns (bool ok, ITnAuthority.PrefixProblem problem, uint256 position) {
        if (raw.length == 0) return (false, ITnAuthority.PrefixProblem.Empty, 0);
        if (raw.length > 15) return (false, ITnAuthority.PrefixProblem.TooLong, raw.length);
        if (raw[0] == "0") return (false, ITnAuthority.PrefixProblem.LeadingZero, 0);
        for (uint256 i = 0; i < raw.length; i++) {
            if (raw[i] < "0" || raw[i] > "9") return (false, ITnAuthority.PrefixProblem.NotADigit, i);
        }
        return (true, ITnAuthority.PrefixProblem.Empty, 0);
    }
}
