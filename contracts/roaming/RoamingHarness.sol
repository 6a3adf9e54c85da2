// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Shared set-up of the roaming contract tests: a real ConsortiumRegistry (three founding operators that also govern,
// two founding governors without the operator role, one operator admitted later that does not govern), a real
// ERC-1056 registry, and shortcuts that take a network claim through governance the way real governors would.
import {EthereumDIDRegistry} from "../identity/EthereumDIDRegistry.sol";
import {ConsortiumRegistry} from "../membership/ConsortiumRegistry.sol";
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {AccountBinding} from "../testing/AccountBinding.sol";
import {IOperatorRegistry} from "./IOperatorRegistry.sol";
import {OperatorRegistry} from "./OperatorRegistry.sol";
import {Plmn} from "./Plmn.sol";
import {RoamingExchange} from "./RoamingExchange.sol";

abstract contract RoamingHarness is AccountBinding {
    uint64 internal constant PERIOD = 1 days;

    ConsortiumRegistry internal consortium;
    EthereumDIDRegistry internal dids;
    OperatorRegistry internal operators;
    RoamingExchange internal exchange;

    address internal op0 = address(0xA0);
    address internal op1 = address(0xA1);
    address internal op2 = address(0xA2);
    address internal gov3 = address(0xB3);
    address internal gov4 = address(0xB4);
    // A MOBILE_OPERATOR member admitted after founding: an operator, not a governor.
    address internal op5 = address(0xA5);
    address internal outsider = address(0xDEAD);
    address[] internal governorList;

    function deployRoaming() internal {
        address[] memory founders = new address[](5);
        founders[0] = op0;
        founders[1] = op1;
        founders[2] = op2;
        founders[3] = gov3;
        founders[4] = gov4;
        string[] memory names = new string[](5);
        bytes32[][] memory roles = new bytes32[][](5);
        for (uint256 i = 0; i < 5; i++) {
            names[i] = "member";
            roles[i] = i < 3 ? oneRole(Roles.MOBILE_OPERATOR) : new bytes32[](0);
            governorList.push(founders[i]);
        }
        consortium = new ConsortiumRegistry(founders, names, roles);
        vm.prank(gov3);
        uint256 admit = consortium.propose(
            IConsortiumRegistry.ProposalKind.Admit,
            op5,
            "late operator",
            oneRole(Roles.MOBILE_OPERATOR),
            PERIOD
        );
        vm.prank(gov4);
        consortium.approve(admit);
        vm.prank(op0);
        consortium.approve(admit);
        assertTrue(consortium.hasRole(op5, Roles.MOBILE_OPERATOR), "op5 admitted");
        dids = new EthereumDIDRegistry();
        operators = new OperatorRegistry(consortium, dids);
        exchange = new RoamingExchange(consortium, operators);
    }

    function oneRole(bytes32 role) internal pure returns (bytes32[] memory roles) {
        roles = new bytes32[](1);
        roles[0] = role;
    }

    /// @dev "31026" -> 0x333130323600: the ASCII digits, left-aligned, zero-padded.
    function plmn(string memory code) internal pure returns (Plmn) {
        bytes memory digits = bytes(code);
        bytes6 out;
        for (uint256 i = 0; i < digits.length; i++) {
            out |= bytes6(digits[i]) >> (8 * i);
        }
        return Plmn.wrap(out);
    }

    function noRanges() internal pure returns (IOperatorRegistry.MsinRange[] memory) {
        return new IOperatorRegistry.MsinRange[](0);
    }

    function oneRange(uint64 first, uint64 last) internal pure returns (IOperatorRegistry.MsinRange[] memory r) {
        r = new IOperatorRegistry.MsinRange[](1);
        r[0] = IOperatorRegistry.MsinRange({first: first, last: last});
    }

    function claimStatus(uint256 id) internal view returns (IOperatorRegistry.ClaimStatus) {
        return operators.claim(id).status;
    }

    function isExecuted(uint256 id) internal view returns (bool) {
        return claimStatus(id) == IOperatorRegistry.ClaimStatus.Executed;
    }

    /// @dev Has governors other than `skip` approve `id` until it executes.
    function approveUntilExecuted(uint256 id, address skip) internal {
        for (uint256 i = 0; i < governorList.length && !isExecuted(id); i++) {
            address g = governorList[i];
            if (g == skip || !consortium.isGovernor(g) || operators.hasApprovedClaim(id, g)) continue;
            vm.prank(g);
            operators.approveClaim(id);
        }
        assertTrue(isExecuted(id), "proposal executed");
    }

    /// @dev `operator` claims `code` and the other governors accept the claim.
    function grantNetwork(address operator, string memory code) internal returns (Plmn p) {
        p = plmn(code);
        vm.prank(operator);
        uint256 id = operators.claimNetwork(p, noRanges(), PERIOD);
        approveUntilExecuted(id, operator);
    }
}
